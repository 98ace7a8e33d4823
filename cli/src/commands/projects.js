// @ts-check
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import ignore from "ignore";
import { create as createTar } from "tar";
import { action, common, orgPath, requireOrg } from "../context.js";
import { CliError } from "../errors.js";
import { printJson, printTable, say, when } from "../output.js";
import { findProject } from "../resolve.js";
import { putFileBytes } from "../transfer.js";

/** @param {import("commander").Command} program */
export function registerProjectCommands(program) {
  const projects = common(program.command("projects"))
    .description("the organization's projects")
    .action(
      action(async (context) => {
        const me = await requireOrg(context);
        const answer = await context.api.get(orgPath(me.org.id, "/projects"));
        if (context.json) return printJson(answer);
        printTable(
          ["ID", "NAME", "MINE", "ARCHIVE BYTES", "UPLOADED", "DESCRIPTION"],
          answer.projects.map((/** @type {any} */ p) => [
            p.id,
            p.name,
            p.ownerId === me.user.id ? "yes" : "no",
            p.archive?.size ?? "",
            when(p.archive?.uploadedAt) || "never",
            p.description,
          ]),
          { title: `Projects of ${me.org.name}`, empty: "No projects. Push one with `cohort projects push DIR`." },
        );
      }),
    );

  common(projects.command("push"))
    .description("upload DIR as a gzipped tar to the project NAME (default: DIR's name), creating it when needed")
    .argument("<dir>")
    .option("--name <name>", "the project's name (default: the directory's name)")
    .action(
      action(async (context, dir) => {
        const root = resolve(dir);
        if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new CliError(`${dir} is not a directory.`);
        const name = context.options.name ?? basename(root);
        const me = await requireOrg(context);
        let project = await findProject(context, me.org.id, name);
        if (!project) project = (await context.api.post(orgPath(me.org.id, "/projects"), { name })).project;
        const work = mkdtempSync(join(tmpdir(), "cohort-push-"));
        try {
          // Built to a file first: the upload needs its length and digest before the first byte.
          const archive = join(work, "project.tar.gz");
          await createTar({ gzip: true, portable: true, cwd: root, file: archive, filter: packFilter(root) }, ["."]);
          const answer = await putFileBytes(
            context.api,
            orgPath(me.org.id, `/projects/${encodeURIComponent(project.id)}/archive`),
            archive,
          );
          if (context.json) return printJson(answer);
          say(
            `Pushed ${dir} to project ${answer.project.name} (${answer.project.id}): ${answer.project.archive.size} bytes, sha256 ${answer.project.archive.sha256}.`,
          );
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      }),
    );
}

export const IGNORE_FILE = ".cohortignore";

/**
 * What `projects push` packs: everything under DIR but what its `.cohortignore` names
 * (gitignore rules, read by the `ignore` package), and never the `.cohortignore` itself.
 * @param {string} root
 * @returns {(path: string, entry: import("node:fs").Stats | import("tar").ReadEntry) => boolean}
 */
export function packFilter(root) {
  /** @type {string} */
  let rules = "";
  try {
    rules = readFileSync(resolve(root, IGNORE_FILE), "utf8");
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== "ENOENT") throw error;
  }
  const rulesOf = ignore().add(rules);
  return (path, entry) => {
    // tar hands over paths as given under cwd: ".", "./lib", "./lib/name.txt".
    const relative = path.replace(/^\.\/?/, "").replace(/\/+$/, "");
    if (relative === "") return true;
    if (relative === IGNORE_FILE) return false;
    // A trailing slash lets `dir/` patterns match directories (and tar then skips what is inside).
    return !rulesOf.ignores(("isDirectory" in entry ? entry.isDirectory() : entry.type === "Directory") ? `${relative}/` : relative);
  };
}
