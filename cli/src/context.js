// @ts-check
import { Command } from "commander";
import { resolveConnection } from "./config.js";
import { CliError } from "./errors.js";
import { createApi } from "./http.js";

/**
 * What every command's action is handed.
 * @typedef {{
 *   api: import("./http.js").Api,
 *   json: boolean,
 *   options: Record<string, any>,
 *   login: import("./config.js").Login | undefined,
 *   env: NodeJS.ProcessEnv,
 * }} Context
 */

/**
 * Adds the options every command takes.
 * @param {Command} command
 */
export function common(command) {
  return command
    .option("--url <url>", "the Cohort server (else COHORT_URL, the stored login's, http://127.0.0.1:8787)")
    .option("--token <token>", "an API token (else COHORT_TOKEN, the stored login)")
    .option("--json", "print the API's JSON answer and nothing else");
}

/**
 * Wraps an action so it receives its operands and a Context.
 * @param {(context: Context, ...operands: any[]) => Promise<void>} handler
 */
export function action(handler) {
  return async (/** @type {any[]} */ ...args) => {
    const command = /** @type {Command} */ (args[args.length - 1]);
    // With globals: a parent such as `org` takes the shared options too, and may be the one that parsed them.
    const options = command.optsWithGlobals();
    const operands = args.slice(0, -2);
    const env = process.env;
    const { url, token, login } = resolveConnection(options, env);
    await handler({ api: createApi({ url, token }), json: Boolean(options.json), options, login, env }, ...operands);
  };
}

/**
 * The caller and their org; refuses, with how to get one, when they have none.
 * @param {Context} context
 * @returns {Promise<{ user: { id: string, username: string, name: string, email: string }, org: { id: string, name: string }, role: "owner" | "admin" | "user" }>}
 */
export async function requireOrg(context) {
  const me = await context.api.get("/api/me");
  if (!me.org) throw new CliError(NO_ORG);
  return me;
}

export const NO_ORG = "You are not in an organization. Create one with `cohort org create NAME`, or join one with `cohort join CODE`.";

/** @param {string} orgId @param {string} [rest] */
export function orgPath(orgId, rest = "") {
  return `/api/orgs/${encodeURIComponent(orgId)}${rest}`;
}

/** @param {string} value @param {string} name @param {{ min?: number, max?: number }} [range] */
export function integer(value, name, range = {}) {
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || (range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max)) {
    const bounds = range.min !== undefined && range.max !== undefined ? ` from ${range.min} to ${range.max}` : "";
    throw new CliError(`${name} must be a whole number${bounds}.`, { exitCode: 2 });
  }
  return n;
}
