// @ts-check
import { orgPath } from "./context.js";
import { CliError } from "./errors.js";

/**
 * Finds one of `items` by id, else by exact name, else case-insensitively by name.
 * @template {{ id: string, name: string }} T
 * @param {T[]} items
 * @param {string} wanted
 * @param {string} kind
 * @returns {T}
 */
export function byIdOrName(items, wanted, kind) {
  const byId = items.find((item) => item.id === wanted);
  if (byId) return byId;
  for (const same of [
    (/** @type {T} */ item) => item.name === wanted,
    (/** @type {T} */ item) => item.name.toLowerCase() === wanted.toLowerCase(),
  ]) {
    const found = items.filter(same);
    if (found.length === 1 && found[0]) return found[0];
    if (found.length > 1)
      throw new CliError(`More than one ${kind} is named ${wanted}: use its id (${found.map((f) => f.id).join(", ")}).`);
  }
  throw new CliError(`No ${kind} named ${wanted}.`, { code: "not_found" });
}

/**
 * One of the caller's volumes, by name or id.
 * @param {import("./context.js").Context} context
 * @param {string} orgId
 * @param {string} wanted
 * @returns {Promise<{ id: string, name: string, sizeGb: number }>}
 */
export async function findVolume(context, orgId, wanted) {
  const { volumes } = await context.api.get(orgPath(orgId, "/volumes"));
  return byIdOrName(volumes, wanted, "volume of yours");
}

/**
 * A project of the org, by name or id; `undefined` when there is none.
 * @param {import("./context.js").Context} context
 * @param {string} orgId
 * @param {string} wanted
 * @returns {Promise<any>}
 */
export async function findProject(context, orgId, wanted) {
  const { projects } = await context.api.get(orgPath(orgId, "/projects"));
  try {
    return byIdOrName(projects, wanted, "project");
  } catch (error) {
    if (error instanceof CliError && error.code === "not_found") return undefined;
    throw error;
  }
}
