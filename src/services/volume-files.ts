import { createDb } from "../db/client";
import {
  blobKeysInUse,
  deleteExpiredUploads,
  findUpload,
  listExpiredUploads,
  listParts,
  type FileRecord,
  type PartRecord,
  type UploadRow,
} from "../db/volume-file-queries";
import { newId } from "../domain/ids";
import { orgClient } from "./org-client";
import { AppError } from "../errors";

/** Who writes, in which org: every step below is decided by that org's object. */
export interface FileActor {
  orgId: string;
  actorId: string;
}

const org = (env: Env, actor: FileActor) => orgClient(env, actor.orgId, { actorId: actor.actorId });

/** Every write gets a fresh object under its volume's prefix: a replaced file's bytes stay whole until the swap. */
export function blobKeyFor(volumeId: string): string {
  return `volumes/${volumeId}/${newId()}`;
}

export function volumeBlobPrefix(volumeId: string): string {
  return `volumes/${volumeId}/`;
}

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * `body` as a stream of exactly `size` bytes (R2 needs the length up front; FixedLengthStream
 * errors on a short or long body), hashed with SHA-256 as the bytes pass, never buffered whole.
 */
function hashedStream(body: ReadableStream<Uint8Array> | null, size: number) {
  const digest = new crypto.DigestStream("SHA-256");
  // A failed store never asks for the digest: keep its rejection from going unhandled.
  digest.digest.catch(() => {});
  const writer = digest.getWriter();
  let seen = 0;
  // How the client's body ended: whole, or broken off (a hang-up). R2 failing leaves both false.
  let ended = false;
  let broken = false;
  const reader = (body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() })).getReader();
  const tapped = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (error) {
        broken = true;
        throw error;
      }
      if (next.done) {
        ended = true;
        await writer.close();
        controller.close();
        return;
      }
      seen += next.value.byteLength;
      await writer.write(next.value);
      controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return {
    stream: tapped.pipeThrough(new FixedLengthStream(size)),
    sha256: async () => hex(await digest.digest),
    /** A failed store is the client's fault when its body was not the length it declared; else it is ours (R2). */
    wrongLength: () => broken || seen > size || (ended && seen !== size),
  };
}

async function storeFailed(error: unknown, hashed: { wrongLength: () => boolean }, size: number): Promise<never> {
  if (!(error instanceof AppError) && hashed.wrongLength()) {
    throw new AppError("invalid_request", `The body was not the ${size} bytes its Content-Length declared.`, { cause: error });
  }
  throw error;
}

async function bestEffort(task: () => Promise<unknown>): Promise<void> {
  try {
    await task();
  } catch {
    // Whatever is left behind is found by the retention sweeps (src/services/retention.ts).
  }
}

/**
 * Deletes a write's new object after a failure, unless a file row points at it: a commit whose
 * answer was lost (or a concurrent complete of the same upload) may have made it the file.
 */
async function deleteUnlessInUse(env: Env, blobKey: string): Promise<void> {
  await bestEffort(async () => {
    const inUse = await blobKeysInUse(createDb(env.DB), [blobKey]);
    if (!inUse.has(blobKey)) await env.BLOBS.delete(blobKey);
  });
}

/**
 * `PUT …/files/{path}`: reserve the bytes in the org object (quota decided there, so concurrent
 * writes cannot together pass the size), stream them to a fresh object, check the digest,
 * then swap the file row in one command. Any failure deletes the new object and releases the
 * reservation: the old file stays whole.
 */
export async function putFile(
  env: Env,
  actor: FileActor,
  input: { volumeId: string; path: string; size: number; expectedSha256: string | null; body: ReadableStream<Uint8Array> | null },
): Promise<{ file: FileRecord; created: boolean }> {
  const blobKey = blobKeyFor(input.volumeId);
  const { upload } = await org(env, actor).reserveFileWrite({
    volumeId: input.volumeId,
    path: input.path,
    size: input.size,
    kind: "put",
    blobKey,
  });
  let result: { file: FileRecord; created: boolean; replacedBlobKey: string | null };
  try {
    const hashed = hashedStream(input.body, input.size);
    await env.BLOBS.put(blobKey, hashed.stream).catch((error) => storeFailed(error, hashed, input.size));
    const sha256 = await hashed.sha256();
    if (input.expectedSha256 !== null && input.expectedSha256 !== sha256) {
      throw new AppError("invalid_request", "Content-Digest does not match the bytes sent.", {
        details: [{ field: "Content-Digest", message: "sha-256 mismatch" }],
      });
    }
    result = await org(env, actor).commitFileWrite({ volumeId: input.volumeId, uploadId: upload.id, sha256 });
  } catch (error) {
    await bestEffort(() => org(env, actor).releaseFileWrite({ uploadId: upload.id }));
    await deleteUnlessInUse(env, blobKey);
    throw error;
  }
  if (result.replacedBlobKey) await bestEffort(() => env.BLOBS.delete(result.replacedBlobKey!));
  return { file: result.file, created: result.created };
}

export async function deleteFile(env: Env, actor: FileActor, volumeId: string, path: string): Promise<void> {
  const { blobKey } = await org(env, actor).deleteFile({ volumeId, path });
  await bestEffort(() => env.BLOBS.delete(blobKey));
}

export type UploadView = Pick<UploadRow, "id" | "path" | "size" | "partSize" | "partCount" | "expiresAt">;

export function uploadView(upload: UploadRow): UploadView {
  return {
    id: upload.id,
    path: upload.path,
    size: upload.size,
    partSize: upload.partSize,
    partCount: upload.partCount,
    expiresAt: upload.expiresAt,
  };
}

/** `POST …/uploads`: an R2 multipart upload, then its reservation in the org object (aborted if refused). */
export async function createUpload(
  env: Env,
  actor: FileActor,
  input: { volumeId: string; path: string; size: number },
): Promise<UploadView> {
  const blobKey = blobKeyFor(input.volumeId);
  const multipart = await env.BLOBS.createMultipartUpload(blobKey);
  try {
    const { upload } = await org(env, actor).reserveFileWrite({ ...input, kind: "multipart", blobKey, r2UploadId: multipart.uploadId });
    return uploadView(upload);
  } catch (error) {
    await bestEffort(() => multipart.abort());
    throw error;
  }
}

/** `PUT …/parts/:n`: the route has checked the upload and the part's exact size. */
export async function putPart(
  env: Env,
  actor: FileActor,
  upload: UploadRow,
  input: { n: number; size: number; body: ReadableStream<Uint8Array> | null },
): Promise<PartRecord> {
  const multipart = env.BLOBS.resumeMultipartUpload(upload.blobKey, upload.r2UploadId!);
  const hashed = hashedStream(input.body, input.size);
  const uploaded = await multipart.uploadPart(input.n, hashed.stream).catch((error) => storeFailed(error, hashed, input.size));
  const sha256 = await hashed.sha256();
  const { part } = await org(env, actor).recordUploadPart({
    volumeId: upload.volumeId,
    uploadId: upload.id,
    part: { n: input.n, size: input.size, sha256, etag: uploaded.etag },
  });
  return part;
}

/** SHA-256 of a stored object, streamed once through a digest (never held whole). */
async function hashObject(env: Env, key: string): Promise<string> {
  const object = await env.BLOBS.get(key);
  if (!object) throw new Error(`object ${key} vanished after completing`);
  const digest = new crypto.DigestStream("SHA-256");
  await object.body.pipeTo(digest);
  return hex(await digest.digest);
}

/**
 * `POST …/complete`: R2 assembles the parts into the upload's own fresh object (readers still
 * see the old file), we hash it once, then the org object swaps the file row. Refused or
 * failed, the assembled object is deleted unless a concurrent complete already made it the file.
 */
export async function completeUpload(env: Env, actor: FileActor, upload: UploadRow): Promise<FileRecord> {
  const parts = await listParts(createDb(env.DB), upload.id);
  if (parts.length !== upload.partCount)
    throw new AppError("conflict", `${upload.partCount - parts.length} of ${upload.partCount} parts are still missing.`);
  const multipart = env.BLOBS.resumeMultipartUpload(upload.blobKey, upload.r2UploadId!);
  try {
    await multipart.complete(parts.map((part) => ({ partNumber: part.n, etag: part.etag })));
  } catch (error) {
    throw new AppError("conflict", "The upload could not be completed; GET it to see which parts are there.", { cause: error });
  }
  let result: { file: FileRecord; replacedBlobKey: string | null };
  try {
    const sha256 = await hashObject(env, upload.blobKey);
    result = await org(env, actor).commitFileWrite({ volumeId: upload.volumeId, uploadId: upload.id, sha256 });
  } catch (error) {
    await deleteUnlessInUse(env, upload.blobKey);
    throw error;
  }
  if (result.replacedBlobKey) await bestEffort(() => env.BLOBS.delete(result.replacedBlobKey!));
  return result.file;
}

export async function cancelUpload(env: Env, actor: FileActor, volumeId: string, uploadId: string): Promise<void> {
  const { upload } = await org(env, actor).cancelUpload({ volumeId, uploadId });
  if (upload.r2UploadId) await bestEffort(() => env.BLOBS.resumeMultipartUpload(upload.blobKey, upload.r2UploadId!).abort());
}

/** After a volume's rows are gone: its objects by prefix, and its unfinished multipart uploads. */
export async function deleteVolumeBlobs(env: Env, volumeId: string, multiparts: { blobKey: string; r2UploadId: string }[]): Promise<void> {
  for (const { blobKey, r2UploadId } of multiparts) await bestEffort(() => env.BLOBS.resumeMultipartUpload(blobKey, r2UploadId).abort());
  await bestEffort(async () => {
    let cursor: string | undefined;
    do {
      const page = await env.BLOBS.list({ prefix: volumeBlobPrefix(volumeId), limit: 1000, ...(cursor ? { cursor } : {}) });
      if (page.objects.length > 0) await env.BLOBS.delete(page.objects.map((object) => object.key));
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
  });
}

/** The upload of `volumeId` still taking parts at `now`, as the part and complete routes need it. */
export async function findLiveUpload(env: Env, volumeId: string, uploadId: string, now: number): Promise<UploadRow> {
  const upload = await findUpload(createDb(env.DB), volumeId, uploadId);
  if (upload?.kind !== "multipart" || Date.parse(upload.expiresAt) <= now)
    throw new AppError("not_found", "There is no such upload (or it expired).");
  return upload;
}

/** Longer than any reservation holds a fresh object unreferenced (a PUT's hour, an upload's day). */
const ORPHAN_AGE_MS = 25 * 60 * 60 * 1000;

/**
 * The retention sweep of uploads: every upload or PUT reservation past its expiry is aborted
 * in R2 (best effort; R2 also drops unfinished multipart uploads by itself) and its rows go,
 * which frees its reservation. Bounded: `maxBatches` of at most 90 a run.
 */
export async function sweepExpiredUploads(env: Env, now: number, maxBatches: number): Promise<number> {
  const db = createDb(env.DB);
  let total = 0;
  for (let batch = 0; batch < maxBatches; batch += 1) {
    const expired = await listExpiredUploads(db, new Date(now), 90);
    for (const upload of expired) {
      if (upload.r2UploadId) await bestEffort(() => env.BLOBS.resumeMultipartUpload(upload.blobKey, upload.r2UploadId!).abort());
    }
    const removed = await deleteExpiredUploads(
      db,
      expired.map((upload) => upload.id),
      new Date(now),
    );
    total += removed;
    if (expired.length < 90) break;
  }
  return total;
}

/**
 * Objects under `volumes/` that no file or upload points at and that are older than any
 * write in flight can be: what a failed best-effort delete (after a replace, a delete, a
 * volume's deletion or a refused write) left behind. At most `maxPages` of 1,000 a run.
 */
export async function sweepOrphanBlobs(env: Env, now: number, maxPages: number): Promise<number> {
  const db = createDb(env.DB);
  let deleted = 0;
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const listing = await env.BLOBS.list({ prefix: "volumes/", limit: 1000, ...(cursor ? { cursor } : {}) });
    const old = listing.objects.filter((object) => object.uploaded.getTime() < now - ORPHAN_AGE_MS).map((object) => object.key);
    const inUse = await blobKeysInUse(db, old);
    const orphans = old.filter((key) => !inUse.has(key));
    if (orphans.length > 0) await env.BLOBS.delete(orphans);
    deleted += orphans.length;
    if (!listing.truncated) break;
    cursor = listing.cursor;
  }
  return deleted;
}
