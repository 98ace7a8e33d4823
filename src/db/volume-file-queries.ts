import { and, asc, eq, gt, gte, inArray, lt, sql } from "drizzle-orm";
import { GIB } from "../domain/volume-file";
import { guard, rawStatement, type Statement } from "./batch";
import type { Db } from "./client";
import { volumeFile, volumeUpload, volumeUploadPart } from "./schema";

/** A file as the API shows it. */
export interface FileRecord {
  path: string;
  size: number;
  sha256: string;
  updatedAt: string;
}

/** A reservation (single PUT) or resumable upload, with where its bytes go. */
export interface UploadRow {
  id: string;
  orgId: string;
  volumeId: string;
  kind: "put" | "multipart";
  path: string;
  size: number;
  partSize: number;
  partCount: number;
  blobKey: string;
  r2UploadId: string | null;
  createdAt: string;
  expiresAt: string;
}

export interface PartRecord {
  n: number;
  size: number;
  sha256: string;
}

type FileRow = typeof volumeFile.$inferSelect;
type UploadDbRow = typeof volumeUpload.$inferSelect;

function toFile(row: FileRow): FileRecord {
  return { path: row.path, size: row.size, sha256: row.sha256, updatedAt: row.updatedAt.toISOString() };
}

function toUpload(row: UploadDbRow): UploadRow {
  return { ...row, createdAt: row.createdAt.toISOString(), expiresAt: row.expiresAt.toISOString() };
}

export async function findFile(db: Db, volumeId: string, path: string): Promise<(FileRecord & { blobKey: string }) | undefined> {
  const [row] = await db
    .select()
    .from(volumeFile)
    .where(and(eq(volumeFile.volumeId, volumeId), eq(volumeFile.path, path)))
    .limit(1);
  return row && { ...toFile(row), blobKey: row.blobKey };
}

/** What the volume's files take in all. */
export async function usedBytes(db: Db, volumeId: string): Promise<number> {
  const [row] = await db
    .select({ used: sql<number>`coalesce(sum(${volumeFile.size}), 0)` })
    .from(volumeFile)
    .where(eq(volumeFile.volumeId, volumeId));
  return Number(row?.used ?? 0);
}

/** What a new write must fit beside: the files, the file at `path` it would replace, and live reservations. */
export async function volumeUsage(
  db: Db,
  volumeId: string,
  path: string,
  now: Date,
): Promise<{ files: number; replaced: number; reserved: number }> {
  const [files, replaced, reserved] = await Promise.all([
    usedBytes(db, volumeId),
    findFile(db, volumeId, path),
    db
      .select({ reserved: sql<number>`coalesce(sum(${volumeUpload.size}), 0)` })
      .from(volumeUpload)
      .where(and(eq(volumeUpload.volumeId, volumeId), gt(volumeUpload.expiresAt, now))),
  ]);
  return { files, replaced: replaced?.size ?? 0, reserved: Number(reserved[0]?.reserved ?? 0) };
}

// Every valid path (≤ 1,024 bytes) that starts with the prefix sorts below the prefix followed by
// 257 U+10FFFF (the greatest code point, 4 bytes each): one index range, bytewise like the order.
const PREFIX_CEILING = "\u{10FFFF}".repeat(257);

/**
 * A page of files in UTF-8 byte order of their path (SQLite's BINARY collation compares the
 * stored UTF-8 bytewise), after `cursor` (the last path of the previous page).
 */
export async function listFiles(
  db: Db,
  volumeId: string,
  page: { prefix: string; cursor?: string | undefined; limit: number },
): Promise<{ files: FileRecord[]; more: boolean }> {
  const conditions = [eq(volumeFile.volumeId, volumeId)];
  if (page.prefix !== "") conditions.push(gte(volumeFile.path, page.prefix), lt(volumeFile.path, page.prefix + PREFIX_CEILING));
  if (page.cursor !== undefined) conditions.push(gt(volumeFile.path, page.cursor));
  const rows = await db
    .select()
    .from(volumeFile)
    .where(and(...conditions))
    .orderBy(asc(volumeFile.path))
    .limit(page.limit + 1);
  return { files: rows.slice(0, page.limit).map(toFile), more: rows.length > page.limit };
}

export async function findUpload(db: Db, volumeId: string, uploadId: string): Promise<UploadRow | undefined> {
  const [row] = await db
    .select()
    .from(volumeUpload)
    .where(and(eq(volumeUpload.id, uploadId), eq(volumeUpload.volumeId, volumeId)))
    .limit(1);
  return row && toUpload(row);
}

export async function listParts(db: Db, uploadId: string): Promise<(PartRecord & { etag: string })[]> {
  return db
    .select({ n: volumeUploadPart.n, size: volumeUploadPart.size, sha256: volumeUploadPart.sha256, etag: volumeUploadPart.etag })
    .from(volumeUploadPart)
    .where(eq(volumeUploadPart.uploadId, uploadId))
    .orderBy(asc(volumeUploadPart.n));
}

/** The multipart uploads of a volume, for aborting them in R2 once the volume is gone. */
export async function listVolumeMultiparts(db: Db, volumeId: string): Promise<{ blobKey: string; r2UploadId: string }[]> {
  const rows = await db
    .select({ blobKey: volumeUpload.blobKey, r2UploadId: volumeUpload.r2UploadId })
    .from(volumeUpload)
    .where(and(eq(volumeUpload.volumeId, volumeId), eq(volumeUpload.kind, "multipart")));
  return rows.flatMap((row) => (row.r2UploadId ? [{ blobKey: row.blobKey, r2UploadId: row.r2UploadId }] : []));
}

/** Reservations and uploads past their expiry, oldest first, for the sweep. */
export async function listExpiredUploads(db: Db, now: Date, limit: number): Promise<UploadRow[]> {
  const rows = await db
    .select()
    .from(volumeUpload)
    .where(lt(volumeUpload.expiresAt, now))
    .orderBy(asc(volumeUpload.expiresAt))
    .limit(limit);
  return rows.map(toUpload);
}

// D1 binds at most 100 parameters a statement.
const KEYS_PER_QUERY = 90;

/** Which of `keys` a file or an upload still points at: the orphan sweep keeps those. */
export async function blobKeysInUse(db: Db, keys: string[]): Promise<Set<string>> {
  const inUse = new Set<string>();
  for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
    const chunk = keys.slice(i, i + KEYS_PER_QUERY);
    const [files, uploads] = await Promise.all([
      db.select({ key: volumeFile.blobKey }).from(volumeFile).where(inArray(volumeFile.blobKey, chunk)),
      db.select({ key: volumeUpload.blobKey }).from(volumeUpload).where(inArray(volumeUpload.blobKey, chunk)),
    ]);
    for (const row of [...files, ...uploads]) inUse.add(row.key);
  }
  return inUse;
}

/**
 * Deletes expired uploads (at most 90, the D1 parameter bound) with their parts, still only
 * those expired at `now` when the batch runs. Returns how many went.
 */
export async function deleteExpiredUploads(db: Db, ids: string[], now: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const chunk = ids.slice(0, KEYS_PER_QUERY);
  const [, removed] = await db.batch([
    db.delete(volumeUploadPart).where(
      inArray(
        volumeUploadPart.uploadId,
        db
          .select({ id: volumeUpload.id })
          .from(volumeUpload)
          .where(and(inArray(volumeUpload.id, chunk), lt(volumeUpload.expiresAt, now))),
      ),
    ),
    db.delete(volumeUpload).where(and(inArray(volumeUpload.id, chunk), lt(volumeUpload.expiresAt, now))),
  ]);
  return removed.meta.changes;
}

// ---- statements ----

export function insertUpload(db: Db, row: Omit<UploadRow, "createdAt" | "expiresAt"> & { createdAt: Date; expiresAt: Date }): Statement {
  return db.insert(volumeUpload).values(row);
}

export function guardUploadLive(db: Db, uploadId: string, at: Date): Statement {
  return guard(
    db,
    `upload ${uploadId} is gone or expired`,
    sql`EXISTS (SELECT 1 FROM volume_upload WHERE id = ${uploadId} AND expires_at > ${at.getTime()})`,
  );
}

export function deleteUploadParts(db: Db, uploadId: string): Statement {
  return db.delete(volumeUploadPart).where(eq(volumeUploadPart.uploadId, uploadId));
}

export function deleteUpload(db: Db, uploadId: string): Statement {
  return db.delete(volumeUpload).where(eq(volumeUpload.id, uploadId));
}

export function upsertPart(db: Db, part: PartRecord & { uploadId: string; etag: string }): Statement {
  return db
    .insert(volumeUploadPart)
    .values(part)
    .onConflictDoUpdate({
      target: [volumeUploadPart.uploadId, volumeUploadPart.n],
      set: { size: part.size, sha256: part.sha256, etag: part.etag },
    });
}

export function upsertFile(
  db: Db,
  row: { volumeId: string; orgId: string; path: string; size: number; sha256: string; blobKey: string; updatedAt: Date },
): Statement {
  return db
    .insert(volumeFile)
    .values(row)
    .onConflictDoUpdate({
      target: [volumeFile.volumeId, volumeFile.path],
      set: { size: row.size, sha256: row.sha256, blobKey: row.blobKey, updatedAt: row.updatedAt },
    });
}

/** The files a commit leaves may not pass the volume's size, whatever a decision read. */
export function guardFilesWithinSize(db: Db, volumeId: string): Statement {
  return guard(
    db,
    `volume ${volumeId} would pass its size`,
    sql`(SELECT coalesce(sum(size), 0) FROM volume_file WHERE volume_id = ${volumeId}) <= (SELECT size_gb * ${GIB} FROM volume WHERE id = ${volumeId})`,
  );
}

export function guardFileBlob(db: Db, volumeId: string, path: string, blobKey: string): Statement {
  return guard(
    db,
    `file ${path} changed`,
    sql`EXISTS (SELECT 1 FROM volume_file WHERE volume_id = ${volumeId} AND path = ${path} AND blob_key = ${blobKey})`,
  );
}

export function deleteFile(db: Db, volumeId: string, path: string): Statement {
  return db.delete(volumeFile).where(and(eq(volumeFile.volumeId, volumeId), eq(volumeFile.path, path)));
}

/** A volume's files, uploads and parts, deleted in its own batch before the volume row (foreign keys). */
export function deleteVolumeContents(db: Db, volumeId: string): Statement[] {
  return [
    rawStatement(db, sql`DELETE FROM volume_upload_part WHERE upload_id IN (SELECT id FROM volume_upload WHERE volume_id = ${volumeId})`),
    db.delete(volumeUpload).where(eq(volumeUpload.volumeId, volumeId)),
    db.delete(volumeFile).where(eq(volumeFile.volumeId, volumeId)),
  ];
}
