// @ts-check
import { basename } from "node:path";
import { action, common, integer, orgPath, requireOrg } from "../context.js";
import { encodePath } from "../http.js";
import { printJson, printTable, say, when } from "../output.js";
import { findVolume } from "../resolve.js";
import { checkFilePath, putVolumeFile, saveDownload } from "../transfer.js";

/**
 * @param {import("../context.js").Context} context
 * @param {string} wanted the volume's name or id
 */
async function volumeAt(context, wanted) {
  const me = await requireOrg(context);
  const volume = await findVolume(context, me.org.id, wanted);
  return { me, volume, path: orgPath(me.org.id, `/volumes/${encodeURIComponent(volume.id)}`) };
}

/** @param {import("commander").Command} program */
export function registerVolumeCommands(program) {
  const volumes = common(program.command("volumes"))
    .description("your volumes (--all: every volume of the org, for Admins and the Owner)")
    .option("--all", "every volume of the organization (Admins and the Owner)")
    .action(
      action(async (context) => {
        const me = await requireOrg(context);
        const answer = await context.api.get(orgPath(me.org.id, "/volumes"), { query: { all: context.options.all ? "1" : undefined } });
        if (context.json) return printJson(answer);
        printTable(
          ["ID", "NAME", "SIZE GB", "MINE", "CREATED"],
          answer.volumes.map((/** @type {any} */ v) => [
            v.id,
            v.name,
            v.sizeGb,
            v.ownerId === me.user.id ? "yes" : "no",
            when(v.createdAt),
          ]),
          { title: `Volumes in ${me.org.name}`, empty: "No volumes. Make one with `cohort volumes create NAME --size-gb N`." },
        );
      }),
    );

  common(volumes.command("create"))
    .description("make a volume that reserves N GiB")
    .argument("<name>")
    .requiredOption("--size-gb <n>", "its capacity in GiB")
    .action(
      action(async (context, name) => {
        const sizeGb = integer(context.options.sizeGb, "--size-gb", { min: 1 });
        const me = await requireOrg(context);
        const answer = await context.api.post(orgPath(me.org.id, "/volumes"), { name, sizeGb });
        if (context.json) return printJson(answer);
        say(`Created volume ${answer.volume.name} (${answer.volume.id}), ${answer.volume.sizeGb} GiB.`);
      }),
    );

  common(volumes.command("ls"))
    .description("list a volume's files, optionally under a path prefix")
    .argument("<volume>", "name or id")
    .argument("[prefix]", "a plain path prefix")
    .action(
      action(async (context, wanted, prefix) => {
        const { volume, path } = await volumeAt(context, wanted);
        /** @type {any[]} */
        const files = [];
        let usedBytes = 0;
        /** @type {string | undefined} */
        let cursor;
        do {
          const page = await context.api.get(`${path}/files`, { query: { prefix, cursor } });
          files.push(...page.files);
          usedBytes = page.usedBytes;
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        if (context.json) return printJson({ files, usedBytes, nextCursor: null });
        printTable(
          ["PATH", "SIZE", "UPDATED", "SHA256"],
          files.map((f) => [f.path, f.size, when(f.updatedAt), f.sha256]),
          { title: `${volume.name}: ${usedBytes} of ${volume.sizeGb * 2 ** 30} bytes used`, empty: "No files." },
        );
      }),
    );

  common(volumes.command("put"))
    .description("upload a local file (over 100 MiB: a resumable upload, resumed if left unfinished)")
    .argument("<volume>", "name or id")
    .argument("<local>", "the local file")
    .argument("[path]", "where in the volume (default: the file's name)")
    .action(
      action(async (context, wanted, local, target) => {
        const filePath = checkFilePath(target ?? basename(local));
        const { volume, path } = await volumeAt(context, wanted);
        const answer = await putVolumeFile(
          context.api,
          path,
          { volumeId: volume.id, local, path: filePath, quiet: context.json },
          context.env,
        );
        if (context.json) return printJson(answer);
        say(`Stored ${answer.file.path} (${answer.file.size} bytes) in ${volume.name}.`);
      }),
    );

  common(volumes.command("get"))
    .description("download a file (LOCAL `-` writes it to standard output)")
    .argument("<volume>", "name or id")
    .argument("<path>")
    .argument("[local]", "where to write it (default: the file's name here)")
    .action(
      action(async (context, wanted, filePath, local) => {
        checkFilePath(filePath);
        const { path } = await volumeAt(context, wanted);
        const response = await context.api.get(`${path}/files/${encodePath(filePath)}`, { raw: true, headers: { Accept: "*/*" } });
        const destination = local ?? basename(filePath);
        await saveDownload(response, destination);
        if (destination !== "-" && !context.json) say(`Wrote ${destination}.`);
      }),
    );

  common(volumes.command("rm"))
    .description("delete a file from a volume")
    .argument("<volume>", "name or id")
    .argument("<path>")
    .action(
      action(async (context, wanted, filePath) => {
        checkFilePath(filePath);
        const { volume, path } = await volumeAt(context, wanted);
        await context.api.delete(`${path}/files/${encodePath(filePath)}`);
        if (!context.json) say(`Deleted ${filePath} from ${volume.name}.`);
      }),
    );
}
