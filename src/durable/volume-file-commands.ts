import type { Db } from "../db/client";
import { findMember } from "../db/org-queries";
import {
  deleteFile,
  deleteUpload,
  deleteUploadParts,
  findFile,
  findUpload,
  guardFileBlob,
  guardFilesWithinSize,
  guardUploadLive,
  insertUpload,
  listParts,
  upsertFile,
  upsertPart,
  volumeUsage,
  type FileRecord,
  type PartRecord,
  type UploadRow,
} from "../db/volume-file-queries";
import { findVolume, guardOwnsVolume, type VolumeRecord } from "../db/volume-queries";
import { newId } from "../domain/ids";
import { checkPath, expectedPartSize, FILE_LIMITS, fitsQuota, partCountFor, partSizeFor, volumeCapacity } from "../domain/volume-file";
import { refuse, type CommandInput, type Decision } from "./command";

export type ReserveInput = CommandInput & {
  volumeId: string;
  path: string;
  size: number;
  kind: "put" | "multipart";
  blobKey: string;
  r2UploadId?: string | undefined;
};
export type CommitInput = CommandInput & { volumeId: string; uploadId: string; sha256: string };
export type ReleaseInput = CommandInput & { uploadId: string };
export type CancelUploadInput = CommandInput & { volumeId: string; uploadId: string };
export type RecordPartInput = CommandInput & { volumeId: string; uploadId: string; part: PartRecord & { etag: string } };
export type DeleteFileInput = CommandInput & { volumeId: string; path: string };

type Refusal = { ok: false; code: "not_found" | "forbidden"; message?: string };

/** The volume, if the actor is a member and owns it: files are private to their volume's owner. */
async function ownVolume(db: Db, input: CommandInput & { volumeId: string }): Promise<VolumeRecord | Refusal> {
  const [member, volume] = await Promise.all([findMember(db, input.orgId, input.actorId), findVolume(db, input.orgId, input.volumeId)]);
  if (!member || !volume) return refuse("not_found") as Refusal;
  if (volume.ownerId !== input.actorId) return refuse("forbidden", "Only the volume's owner reads or writes its files.") as Refusal;
  return volume;
}

function isRefusal(value: VolumeRecord | Refusal): value is Refusal {
  return "ok" in value;
}

/** A multipart upload of this volume, still accepting parts at `at`. */
async function liveUpload(db: Db, volumeId: string, uploadId: string, at: Date): Promise<UploadRow | undefined> {
  const upload = await findUpload(db, volumeId, uploadId);
  return upload && upload.kind === "multipart" && Date.parse(upload.expiresAt) > at.getTime() ? upload : undefined;
}

/**
 * Promises `size` bytes of the volume to a write before any byte streams: counted against the
 * quota with the files and every other live reservation, decided in the org's queue, so
 * concurrent writes can never together pass the volume's size.
 */
export async function decideReserve(db: Db, input: ReserveInput, at: Date): Promise<Decision<{ upload: UploadRow }>> {
  const volume = await ownVolume(db, input);
  if (isRefusal(volume)) return volume;
  if (!checkPath(input.path).ok) return refuse("invalid_request", "The path is not valid.");
  const usage = await volumeUsage(db, volume.id, input.path, at);
  const capacity = volumeCapacity(volume.sizeGb);
  if (!fitsQuota({ capacity, ...usage }, input.size)) {
    return refuse("quota_exceeded", `That would take volume ${volume.name} past its ${volume.sizeGb} GiB.`);
  }
  const multipart = input.kind === "multipart";
  const partSize = multipart ? partSizeFor(input.size) : input.size;
  const lifetime = multipart ? FILE_LIMITS.uploadLifetimeMs : FILE_LIMITS.putReservationMs;
  const row = {
    id: newId(),
    orgId: input.orgId,
    volumeId: volume.id,
    kind: input.kind,
    path: input.path,
    size: input.size,
    partSize,
    partCount: multipart ? partCountFor(input.size, partSize) : 1,
    blobKey: input.blobKey,
    r2UploadId: input.r2UploadId ?? null,
  };
  const expiresAt = new Date(at.getTime() + lifetime);
  return {
    ok: true,
    statements: [guardOwnsVolume(db, input.orgId, volume.id, input.actorId), insertUpload(db, { ...row, createdAt: at, expiresAt })],
    value: { upload: { ...row, createdAt: at.toISOString(), expiresAt: expiresAt.toISOString() } },
  };
}

/**
 * Swaps the file row to the reserved blob, releasing the reservation, in one batch: readers
 * see the old file or the new one, whole. Refused if the reservation expired (its bytes may be
 * promised elsewhere now) or the actor no longer owns the volume.
 */
export async function decideCommit(
  db: Db,
  input: CommitInput,
  at: Date,
): Promise<Decision<{ file: FileRecord; created: boolean; replacedBlobKey: string | null }>> {
  const volume = await ownVolume(db, input);
  if (isRefusal(volume)) return volume;
  const upload = await findUpload(db, volume.id, input.uploadId);
  if (!upload || Date.parse(upload.expiresAt) <= at.getTime()) return refuse("not_found", "The upload is gone or expired.");
  if (upload.kind === "multipart") {
    const parts = await listParts(db, upload.id);
    if (parts.length !== upload.partCount) return refuse("conflict", "Some parts are still missing.");
  }
  const previous = await findFile(db, volume.id, upload.path);
  return {
    ok: true,
    statements: [
      guardOwnsVolume(db, input.orgId, volume.id, input.actorId),
      guardUploadLive(db, upload.id, at),
      deleteUploadParts(db, upload.id),
      deleteUpload(db, upload.id),
      upsertFile(db, {
        volumeId: volume.id,
        orgId: input.orgId,
        path: upload.path,
        size: upload.size,
        sha256: input.sha256,
        blobKey: upload.blobKey,
        updatedAt: at,
      }),
      guardFilesWithinSize(db, volume.id),
    ],
    value: {
      file: { path: upload.path, size: upload.size, sha256: input.sha256, updatedAt: at.toISOString() },
      created: previous === undefined,
      replacedBlobKey: previous?.blobKey ?? null,
    },
  };
}

/** Frees a reservation whose write failed: no membership needed, the bytes were never stored. */
export async function decideRelease(db: Db, input: ReleaseInput): Promise<Decision<{ released: boolean }>> {
  return { ok: true, statements: [deleteUploadParts(db, input.uploadId), deleteUpload(db, input.uploadId)], value: { released: true } };
}

/** `DELETE …/uploads/:id`: the owner drops an unfinished upload; the route then aborts it in R2. */
export async function decideCancelUpload(db: Db, input: CancelUploadInput, at: Date): Promise<Decision<{ upload: UploadRow }>> {
  const volume = await ownVolume(db, input);
  if (isRefusal(volume)) return volume;
  const upload = await liveUpload(db, volume.id, input.uploadId, at);
  if (!upload) return refuse("not_found");
  return { ok: true, statements: [deleteUploadParts(db, upload.id), deleteUpload(db, upload.id)], value: { upload } };
}

/** Records a part R2 has accepted; sending a part again replaces it. */
export async function decideRecordPart(db: Db, input: RecordPartInput, at: Date): Promise<Decision<{ part: PartRecord }>> {
  const volume = await ownVolume(db, input);
  if (isRefusal(volume)) return volume;
  const upload = await liveUpload(db, volume.id, input.uploadId, at);
  if (!upload) return refuse("not_found");
  if (expectedPartSize(upload, input.part.n) !== input.part.size) return refuse("invalid_request", "The part has the wrong size.");
  return {
    ok: true,
    statements: [guardUploadLive(db, upload.id, at), upsertPart(db, { uploadId: upload.id, ...input.part })],
    value: { part: { n: input.part.n, size: input.part.size, sha256: input.part.sha256 } },
  };
}

export async function decideDeleteFile(db: Db, input: DeleteFileInput): Promise<Decision<{ blobKey: string }>> {
  const volume = await ownVolume(db, input);
  if (isRefusal(volume)) return volume;
  const file = await findFile(db, volume.id, input.path);
  if (!file) return refuse("not_found", "There is no such file.");
  return {
    ok: true,
    statements: [
      guardOwnsVolume(db, input.orgId, volume.id, input.actorId),
      guardFileBlob(db, volume.id, file.path, file.blobKey),
      deleteFile(db, volume.id, file.path),
    ],
    value: { blobKey: file.blobKey },
  };
}
