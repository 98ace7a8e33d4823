// @ts-check
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Writes `data` to `path` through a temporary file beside it, so a crash never leaves half a file.
 * @param {string} path
 * @param {string | Uint8Array} data
 * @param {number} [mode]
 */
export function writeFileAtomically(path, data, mode = 0o644) {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeFileSync(temp, data, { mode, flag: "wx" });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * The SHA-256 of a file (or of the byte range [start, end]), read as a stream.
 * @param {string} path
 * @param {{ start?: number, end?: number }} [range]
 * @returns {Promise<Buffer>}
 */
export async function sha256OfFile(path, range = {}) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, range)) hash.update(chunk);
  return hash.digest();
}
