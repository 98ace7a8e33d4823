import { createDb } from "../db/client";
import { forgetArchiveObjects, unneededArchiveKeys, type ProjectRecord } from "../db/project-queries";
import { ARCHIVE_OBJECT_GRACE_MS, toHex } from "../domain/project";
import { orgClient } from "./org-client";
import { AppError } from "../errors";

export interface ArchiveUpload {
  orgId: string;
  actorId: string;
  projectId: string;
  /** The bytes, read once; null for an empty body. */
  body: ReadableStream<Uint8Array> | null;
  /** The declared length (already checked against the cap). */
  length: number;
  /** Lower-case hex the bytes must hash to (from Content-Digest), if the client sent one. */
  expectedSha256?: string | undefined;
}

/**
 * Streams `body` into R2 while hashing it, never holding it whole in memory. R2 needs the
 * length of a streamed body up front: FixedLengthStream gives it, and fails the put when
 * fewer or more bytes arrive than declared.
 */
async function putHashed(bucket: R2Bucket, key: string, body: ReadableStream<Uint8Array> | null, length: number): Promise<string> {
  const digest = new crypto.DigestStream("SHA-256");
  const hashWriter = digest.getWriter();
  // Both reject when a refused upload aborts the hash; they are awaited only on success.
  digest.digest.catch(() => undefined);
  hashWriter.closed.catch(() => undefined);
  const hashing = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      // A copy to the hash: the same chunk also goes on to R2.
      await hashWriter.write(chunk.slice());
      controller.enqueue(chunk);
    },
    async flush() {
      await hashWriter.close();
    },
  });
  const sized = new FixedLengthStream(length);
  const source = body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
  const piping = source.pipeThrough(hashing).pipeTo(sized.writable);
  const [piped, stored] = await Promise.allSettled([piping, bucket.put(key, sized.readable)]);
  if (piped.status === "rejected" || stored.status === "rejected") {
    await hashWriter.abort().catch(() => undefined);
    throw new AppError("invalid_request", `The body was not the ${length} bytes its Content-Length announced.`);
  }
  return toHex(await digest.digest);
}

/**
 * One archive upload, for the API's PUT and the page's form alike: the caller's ownership is
 * checked and the new object recorded before a byte is read; the bytes go to a NEW object;
 * only when they are whole and match the digest does the project point at it. Every refusal
 * deletes the new object and leaves the project's previous archive in place.
 */
export async function uploadArchive(env: Env, upload: ArchiveUpload): Promise<ProjectRecord> {
  // No Idempotency-Key here: the two steps are two commands, and re-sending the same bytes is harmless.
  const org = orgClient(env, upload.orgId, { actorId: upload.actorId });
  const { key } = await org.startArchiveUpload({ projectId: upload.projectId });
  try {
    const sha256 = await putHashed(env.BLOBS, key, upload.body, upload.length);
    if (upload.expectedSha256 !== undefined && upload.expectedSha256 !== sha256) {
      throw new AppError("invalid_request", "The bytes do not match the Content-Digest header.", {
        details: [{ field: "Content-Digest", message: `The bytes hash to sha-256 ${sha256}.` }],
      });
    }
    const { project } = await org.setProjectArchive({ projectId: upload.projectId, key, size: upload.length, sha256 });
    return project;
  } catch (error) {
    await env.BLOBS.delete(key);
    throw error;
  }
}

/** The current archive's bytes and what to say about them; not_found before any upload. */
export async function readArchive(env: Env, archive: { key: string | null; size: number; sha256: string } | null): Promise<Response> {
  const object = archive?.key ? await env.BLOBS.get(archive.key) : null;
  if (!archive || !object) throw new AppError("not_found", "This project has no archive yet.");
  return new Response(object.body, {
    headers: {
      "Content-Type": "application/octet-stream",
      "Content-Length": String(archive.size),
      ETag: `"${archive.sha256}"`,
    },
  });
}

/**
 * The retention rule for archive objects (docs/retention.md): each recorded object that no
 * project and no unfinished job needs, older than the upload grace, is deleted from R2 and
 * then forgotten, in bounded batches. Bytes first: a crash between the two leaves a row whose
 * object is gone, which the next run deletes again harmlessly.
 */
export async function sweepArchiveObjects(env: Env, now: number, limits: { batchSize: number; maxBatches: number }): Promise<number> {
  const db = createDb(env.DB);
  // D1 binds at most 100 parameters a statement; the forget step binds one per key.
  const batchSize = Math.min(limits.batchSize, 100);
  let total = 0;
  for (let batch = 0; batch < limits.maxBatches; batch += 1) {
    const keys = await unneededArchiveKeys(db, now - ARCHIVE_OBJECT_GRACE_MS, batchSize);
    if (keys.length === 0) break;
    await env.BLOBS.delete(keys);
    await forgetArchiveObjects(db, keys);
    total += keys.length;
    if (keys.length < batchSize) break;
  }
  return total;
}
