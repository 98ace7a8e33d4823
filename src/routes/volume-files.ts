import { Hono, type Context } from "hono";
import { clock } from "../clock";
import { createDb } from "../db/client";
import { findFile, listFiles, listParts, usedBytes } from "../db/volume-file-queries";
import { findVolume, type VolumeRecord } from "../db/volume-queries";
import {
  contentDigestSha256,
  createUploadSchema,
  encodeCursor,
  expectedPartSize,
  FILE_LIMITS,
  listFilesQuerySchema,
  parseContentLength,
  parsePartNumber,
  pathFromUrl,
} from "../domain/volume-file";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import {
  cancelUpload,
  completeUpload,
  createUpload,
  deleteFile,
  findLiveUpload,
  putFile,
  putPart,
  uploadView,
  type FileActor,
} from "../services/volume-files";
import { jsonBody, parseWith } from "./json-body";
import { requireMember } from "./org-access";

/**
 * The caller's own volume of this org, for reads (commands decide the same in the org object):
 * another org's or a missing one is 404, another member's is 403.
 */
export async function ownVolume(c: Context<AppEnv>): Promise<{ orgId: string; actorId: string; volume: VolumeRecord }> {
  const { orgId, actorId } = requireMember(c);
  const volume = await findVolume(createDb(c.env.DB), orgId, c.req.param("volumeId") ?? "");
  if (!volume) throw new AppError("not_found");
  if (volume.ownerId !== actorId) throw new AppError("forbidden", "Only the volume's owner reads or writes its files.");
  return { orgId, actorId, volume };
}

/** `{path}` as sent: the raw URL path after `…/files/`, split on `/` before each segment is decoded. */
function filePath(c: Context<AppEnv>): string {
  const raw = /\/volumes\/[^/]+\/files\/(.*)$/.exec(new URL(c.req.url).pathname)?.[1] ?? "";
  const check = pathFromUrl(raw);
  if (!check.ok) throw new AppError("invalid_request", check.message, { details: [{ field: "path", message: check.message }] });
  return check.path;
}

/** The declared body length: required (400 without it), and over `max` answered 413 before a byte is read. */
function declaredLength(c: Context<AppEnv>, max: number): number {
  const length = parseContentLength(c.req.header("Content-Length"));
  if (length === null)
    throw new AppError("invalid_request", "Send the bytes with a Content-Length.", {
      details: [{ field: "Content-Length", message: "Required." }],
    });
  if (Number.isNaN(length)) throw new AppError("invalid_request", "Content-Length must be plain decimal digits.");
  if (length > max) throw new AppError("too_large", `At most ${max} bytes in one request; use a resumable upload for more.`);
  return length;
}

function expectedDigest(c: Context<AppEnv>): string | null {
  const header = c.req.header("Content-Digest");
  if (header === undefined) return null;
  const sha256 = contentDigestSha256(header);
  if (sha256 === undefined)
    throw new AppError("invalid_request", "Content-Digest must be sha-256=:<base64>:.", {
      details: [{ field: "Content-Digest", message: "Malformed." }],
    });
  return sha256;
}

/** `GET …/files?prefix=&cursor=&limit=` of a volume the caller may read (its owner, or a job's agent). */
export async function listFilesAnswer(c: Context<AppEnv>, volume: VolumeRecord): Promise<Response> {
  const query = parseWith(listFilesQuerySchema, c.req.query());
  const db = createDb(c.env.DB);
  const [page, used] = await Promise.all([listFiles(db, volume.id, query), usedBytes(db, volume.id)]);
  const nextCursor = page.more ? encodeCursor(page.files.at(-1)!.path) : null;
  return c.json({ files: page.files, usedBytes: used, nextCursor });
}

/** `PUT …/files/{path}` as `actor`: the org object decides the owner and the quota. */
export async function putFileAnswer(c: Context<AppEnv>, actor: FileActor, volumeId: string): Promise<Response> {
  const path = filePath(c);
  const size = declaredLength(c, FILE_LIMITS.putBytes);
  const expectedSha256 = expectedDigest(c);
  const { file, created } = await putFile(c.env, actor, { volumeId, path, size, expectedSha256, body: c.req.raw.body });
  return c.json({ file }, created ? 201 : 200);
}

/** `GET …/files/{path}`: the bytes, whole, of a volume the caller may read. */
export async function getFileAnswer(c: Context<AppEnv>, volume: VolumeRecord): Promise<Response> {
  const path = filePath(c);
  const db = createDb(c.env.DB);
  let file = await findFile(db, volume.id, path);
  let object = file && (await c.env.BLOBS.get(file.blobKey));
  // A replace between the two reads deletes the object we looked up: read the row again, once.
  if (file && !object) {
    file = await findFile(db, volume.id, path);
    object = file && (await c.env.BLOBS.get(file.blobKey));
  }
  if (!file || !object) throw new AppError("not_found", "There is no such file.");
  return new Response(object.body, {
    headers: {
      "Content-Type": "application/octet-stream",
      "Content-Length": String(file.size),
      ETag: `"${file.sha256}"`,
      "Cache-Control": "private, no-store",
    },
  });
}

export const volumeFileRoutes = new Hono<AppEnv>()
  .get("/:orgId/volumes/:volumeId/files", async (c) => listFilesAnswer(c, (await ownVolume(c)).volume))
  .put("/:orgId/volumes/:volumeId/files/*", async (c) => {
    const { orgId, actorId } = requireMember(c);
    return putFileAnswer(c, { orgId, actorId }, c.req.param("volumeId"));
  })
  .get("/:orgId/volumes/:volumeId/files/*", async (c) => getFileAnswer(c, (await ownVolume(c)).volume))
  .delete("/:orgId/volumes/:volumeId/files/*", async (c) => {
    const { orgId, actorId } = requireMember(c);
    await deleteFile(c.env, { orgId, actorId }, c.req.param("volumeId"), filePath(c));
    return c.body(null, 204);
  })
  .post("/:orgId/volumes/:volumeId/uploads", async (c) => {
    requireMember(c);
    const input = await jsonBody(c, createUploadSchema);
    const { orgId, actorId, volume } = await ownVolume(c);
    const upload = await createUpload(c.env, { orgId, actorId }, { volumeId: volume.id, ...input });
    return c.json({ upload }, 201);
  })
  .get("/:orgId/volumes/:volumeId/uploads/:uploadId", async (c) => {
    const { volume } = await ownVolume(c);
    const upload = await findLiveUpload(c.env, volume.id, c.req.param("uploadId"), clock.now());
    const parts = (await listParts(createDb(c.env.DB), upload.id)).map(({ n, size, sha256 }) => ({ n, size, sha256 }));
    return c.json({ upload: uploadView(upload), parts });
  })
  .put("/:orgId/volumes/:volumeId/uploads/:uploadId/parts/:n", async (c) => {
    const { orgId, actorId, volume } = await ownVolume(c);
    const upload = await findLiveUpload(c.env, volume.id, c.req.param("uploadId"), clock.now());
    const n = parsePartNumber(c.req.param("n"));
    const expected = n === null ? null : expectedPartSize(upload, n);
    if (n === null || expected === null)
      throw new AppError("invalid_request", `Parts are numbered 1 to ${upload.partCount}.`, {
        details: [{ field: "n", message: "No such part." }],
      });
    // A part of the wrong size is 400 (the contract's rule for parts), not 413.
    const size = declaredLength(c, Number.MAX_SAFE_INTEGER);
    if (size !== expected) {
      throw new AppError("invalid_request", `Part ${n} is ${expected} bytes.`, {
        details: [{ field: "Content-Length", message: `Part ${n} is ${expected} bytes.` }],
      });
    }
    const part = await putPart(c.env, { orgId, actorId }, upload, { n, size, body: c.req.raw.body });
    return c.json({ part });
  })
  .post("/:orgId/volumes/:volumeId/uploads/:uploadId/complete", async (c) => {
    const { orgId, actorId, volume } = await ownVolume(c);
    const upload = await findLiveUpload(c.env, volume.id, c.req.param("uploadId"), clock.now());
    const file = await completeUpload(c.env, { orgId, actorId }, upload);
    return c.json({ file });
  })
  .delete("/:orgId/volumes/:volumeId/uploads/:uploadId", async (c) => {
    const { orgId, actorId, volume } = await ownVolume(c);
    await cancelUpload(c.env, { orgId, actorId }, volume.id, c.req.param("uploadId"));
    return c.body(null, 204);
  });
