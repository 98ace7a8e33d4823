// @ts-check
import { createReadStream, createWriteStream, rmSync, renameSync, statSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { forgetUploadState, readUploadState, writeUploadState } from "./config.js";
import { CliError, usage } from "./errors.js";
import { encodePath } from "./http.js";
import { sha256OfFile } from "./files.js";
import { note } from "./output.js";
import { createProgress, NO_PROGRESS, wantsProgress } from "./progress.js";

/** The contract's limit for one PUT of a file; larger files go through a resumable upload. */
export const SINGLE_PUT_LIMIT = 100 * 1024 * 1024;

/** A volume file's path as the contract allows it; `.`/`..` would be resolved away by URL parsing. */
export function checkFilePath(/** @type {string} */ path) {
  const segments = path.split("/");
  if (path === "" || segments.some((s) => s === "" || s === "." || s === "..")) {
    throw usage(`Not a volume path: ${JSON.stringify(path)} (segments separated by /, none empty, . or .., no leading /).`);
  }
  return path;
}

/**
 * PUTs a file (or a byte range of it) as a stream with its exact length, and its digest.
 * @param {import("./http.js").Api} api
 * @param {string} path
 * @param {string} file
 * @param {{ start: number, end: number }} [range] inclusive byte range
 * @param {import("./progress.js").Progress} [progress] told of every chunk as fetch pulls it
 */
export async function putFileBytes(api, path, file, range, progress = NO_PROGRESS) {
  const length = range ? range.end - range.start + 1 : statSync(file).size;
  const digest = await sha256OfFile(file, range ?? {});
  // fetch pulls the body as it sends it, so bytes read here are bytes on their way.
  async function* counted() {
    for await (const chunk of createReadStream(file, range ?? {})) {
      progress.add(chunk.length);
      yield chunk;
    }
  }
  return api.request("PUT", path, {
    body: Readable.from(counted()),
    headers: {
      "Content-Type": "application/octet-stream",
      "Content-Length": String(length),
      "Content-Digest": `sha-256=:${digest.toString("base64")}:`,
    },
  });
}

/**
 * Puts LOCAL into the volume at PATH: one PUT up to 100 MiB, else a resumable upload that
 * picks up an unfinished one for the same bytes (same volume, path, size and mtime).
 * @param {import("./http.js").Api} api
 * @param {string} volumePath `/api/orgs/:orgId/volumes/:id`
 * @param {{ volumeId: string, local: string, path: string, quiet: boolean }} what
 * @param {NodeJS.ProcessEnv} env
 */
export async function putVolumeFile(api, volumePath, what, env) {
  const stat = statSync(what.local);
  if (!stat.isFile()) throw new CliError(`${what.local} is not a file.`);
  const enabled = wantsProgress(env);
  const label = `Sending ${basename(what.local)}`;
  if (stat.size <= SINGLE_PUT_LIMIT) {
    const progress = createProgress(label, stat.size, { enabled });
    try {
      const answer = await putFileBytes(api, `${volumePath}/files/${encodePath(what.path)}`, what.local, undefined, progress);
      progress.done();
      return answer;
    } catch (error) {
      progress.fail();
      throw error;
    }
  }

  const key = { url: api.url, volumeId: what.volumeId, path: what.path, size: stat.size, mtimeMs: stat.mtimeMs };
  /** @type {any} */
  let upload;
  /** @type {Set<number>} */
  let present = new Set();
  const saved = readUploadState(key, env);
  if (saved) {
    try {
      const answer = await api.get(`${volumePath}/uploads/${encodeURIComponent(saved.uploadId)}`);
      upload = answer.upload;
      present = new Set(answer.parts.filter((/** @type {any} */ p) => p.size > 0).map((/** @type {any} */ p) => p.n));
      if (!what.quiet) note(`Resuming upload ${upload.id}: ${present.size} of ${upload.partCount} parts already there.`);
    } catch (error) {
      if (!(error instanceof CliError) || error.status !== 404) throw error;
      forgetUploadState(key, env);
    }
  }
  if (!upload) {
    upload = (await api.post(`${volumePath}/uploads`, { path: what.path, size: stat.size })).upload;
    writeUploadState(key, { uploadId: upload.id }, env);
  }
  const partRange = (/** @type {number} */ n) => {
    const start = (n - 1) * upload.partSize;
    return { start, end: Math.min(stat.size, start + upload.partSize) - 1 };
  };
  let already = 0;
  for (const n of present) {
    const { start, end } = partRange(n);
    already += end - start + 1;
  }
  const progress = createProgress(label, stat.size, { enabled, already });
  try {
    for (let n = 1; n <= upload.partCount; n++) {
      if (present.has(n)) continue;
      await putFileBytes(api, `${volumePath}/uploads/${encodeURIComponent(upload.id)}/parts/${n}`, what.local, partRange(n), progress);
    }
    const done = await api.post(`${volumePath}/uploads/${encodeURIComponent(upload.id)}/complete`);
    progress.done();
    forgetUploadState(key, env);
    return done;
  } catch (error) {
    progress.fail();
    throw error;
  }
}

/**
 * Downloads bytes to `local` (through a temporary file, renamed once whole and checked
 * against the ETag's sha256), or to standard output for `-`.
 * @param {Response} response
 * @param {string} local
 */
export async function saveDownload(response, local) {
  if (!response.body) throw new CliError("The server sent no bytes.");
  const body = Readable.fromWeb(/** @type {import("node:stream/web").ReadableStream} */ (response.body));
  if (local === "-") {
    await pipeline(body, process.stdout);
    return;
  }
  const expected = response.headers.get("ETag")?.replace(/^W\//, "").replace(/"/g, "").toLowerCase();
  const hash = createHash("sha256");
  const temp = join(dirname(local), `.${basename(local)}.${randomBytes(6).toString("hex")}.part`);
  try {
    await pipeline(
      body,
      new Transform({
        transform(chunk, _encoding, callback) {
          hash.update(chunk);
          callback(null, chunk);
        },
      }),
      createWriteStream(temp, { flags: "wx" }),
    );
    const actual = hash.digest("hex");
    if (expected && /^[0-9a-f]{64}$/.test(expected) && expected !== actual)
      throw new CliError("The download does not match its ETag's sha256; nothing was written.");
    renameSync(temp, local);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
