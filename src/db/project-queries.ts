import { and, asc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { guard, rawStatement, type Statement } from "./batch";
import type { Db } from "./client";
import { project, projectArchive, user } from "./schema";

/** A project as the API, the dashboard and stored command results see it (times as ISO strings). */
export interface ProjectRecord {
  id: string;
  name: string;
  description: string;
  ownerId: string;
  createdAt: string;
  archive: { size: number; sha256: string; uploadedAt: string } | null;
}

type ProjectRow = typeof project.$inferSelect;

/** What the archive download and the jobs need besides the public record: where the bytes are. */
export interface StoredProject extends ProjectRecord {
  archiveKey: string | null;
}

function toProject(row: ProjectRow): StoredProject {
  const archive =
    row.archiveKey !== null && row.archiveSize !== null && row.archiveSha256 !== null && row.archiveUploadedAt !== null
      ? { size: row.archiveSize, sha256: row.archiveSha256, uploadedAt: row.archiveUploadedAt.toISOString() }
      : null;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    ownerId: row.ownerId,
    createdAt: row.createdAt.toISOString(),
    archive,
    archiveKey: row.archiveKey,
  };
}

/** The public record alone, without the storage key. */
export function publicProject(stored: StoredProject): ProjectRecord {
  const { archiveKey: _key, ...record } = stored;
  return record;
}

/** Every project of the org, oldest first. */
export async function listProjects(db: Db, orgId: string): Promise<ProjectRecord[]> {
  const rows = await db.select().from(project).where(eq(project.orgId, orgId)).orderBy(asc(project.createdAt), asc(project.id));
  return rows.map((row) => publicProject(toProject(row)));
}

/** Every project of the org with its owner's username, for the page. */
export async function listProjectsWithOwners(db: Db, orgId: string): Promise<(ProjectRecord & { ownerUsername: string })[]> {
  const rows = await db
    .select({ row: project, ownerUsername: user.username })
    .from(project)
    .innerJoin(user, eq(user.id, project.ownerId))
    .where(eq(project.orgId, orgId))
    .orderBy(asc(project.createdAt), asc(project.id));
  return rows.map(({ row, ownerUsername }) => ({ ...publicProject(toProject(row)), ownerUsername: ownerUsername ?? "" }));
}

export async function findProject(db: Db, orgId: string, id: string): Promise<StoredProject | undefined> {
  const [row] = await db
    .select()
    .from(project)
    .where(and(eq(project.orgId, orgId), eq(project.id, id)))
    .limit(1);
  return row && toProject(row);
}

export async function projectNameTaken(db: Db, orgId: string, nameKey: string): Promise<boolean> {
  const [row] = await db
    .select({ id: project.id })
    .from(project)
    .where(and(eq(project.orgId, orgId), eq(project.nameKey, nameKey)))
    .limit(1);
  return row !== undefined;
}

/** Inserts only while the owner is a member, decided by D1 at the insert (as machines and volumes do). */
export function insertProjectIfMember(
  db: Db,
  row: { id: string; orgId: string; ownerId: string; name: string; nameKey: string; description: string; createdAt: Date },
): Statement {
  return rawStatement(
    db,
    sql`
    INSERT INTO project (id, org_id, owner_id, name, name_key, description, created_at)
    SELECT ${row.id}, ${row.orgId}, ${row.ownerId}, ${row.name}, ${row.nameKey}, ${row.description}, ${row.createdAt.getTime()}
    WHERE EXISTS (SELECT 1 FROM membership WHERE user_id = ${row.ownerId} AND org_id = ${row.orgId})`,
  );
}

export function guardProjectInserted(db: Db, id: string): Statement {
  return guard(db, `project ${id} was not inserted`, sql`EXISTS (SELECT 1 FROM project WHERE id = ${id})`);
}

/** The project still exists and is still `ownerId`'s, when the batch runs. */
export function guardOwnsProject(db: Db, orgId: string, id: string, ownerId: string): Statement {
  return guard(
    db,
    `project ${id} is not ${ownerId}'s`,
    sql`EXISTS (SELECT 1 FROM project WHERE id = ${id} AND org_id = ${orgId} AND owner_id = ${ownerId})`,
  );
}

/** Records an archive object before its bytes are written, so the sweep knows every object there is. */
export function insertArchiveObject(db: Db, row: { key: string; orgId: string; projectId: string; createdAt: Date }): Statement {
  return db.insert(projectArchive).values(row);
}

export function guardArchiveObject(db: Db, key: string, projectId: string): Statement {
  return guard(
    db,
    `archive object ${key} is unknown`,
    sql`EXISTS (SELECT 1 FROM project_archive WHERE key = ${key} AND project_id = ${projectId})`,
  );
}

export function setProjectArchive(
  db: Db,
  orgId: string,
  id: string,
  ownerId: string,
  archive: { key: string; size: number; sha256: string; uploadedAt: Date },
): Statement {
  return db
    .update(project)
    .set({ archiveKey: archive.key, archiveSize: archive.size, archiveSha256: archive.sha256, archiveUploadedAt: archive.uploadedAt })
    .where(and(eq(project.id, id), eq(project.orgId, orgId), eq(project.ownerId, ownerId)));
}

/** The project row only: its archive objects stay until the sweep finds nothing pointing at them. */
export function deleteProject(db: Db, orgId: string, id: string, ownerId: string): Statement {
  return db.delete(project).where(and(eq(project.id, id), eq(project.orgId, orgId), eq(project.ownerId, ownerId)));
}

/** One statement however many projects: a departing member's projects become the Owner's. */
export function moveProjects(db: Db, orgId: string, fromUserId: string, toUserId: string): Statement {
  return db
    .update(project)
    .set({ ownerId: toUserId })
    .where(and(eq(project.orgId, orgId), eq(project.ownerId, fromUserId)));
}

/** What still needs an archive object: a project's current archive, or the pinned archive of an unfinished job. */
const ARCHIVE_REFERENCES: SQL[] = [
  sql`EXISTS (SELECT 1 FROM project WHERE project.archive_key = project_archive.key)`,
  sql`EXISTS (SELECT 1 FROM job WHERE job.archive_key = project_archive.key AND job.state IN ('queued', 'running'))`,
];

/** Up to `limit` archive objects nothing needs any more, recorded before `cutoff` (epoch ms). */
export async function unneededArchiveKeys(db: Db, cutoff: number, limit: number): Promise<string[]> {
  const needed = sql.join(ARCHIVE_REFERENCES, sql` OR `);
  const rows = await db.all<{ key: string }>(
    sql`SELECT key FROM project_archive WHERE created_at < ${cutoff} AND NOT (${needed}) ORDER BY created_at LIMIT ${limit}`,
  );
  return rows.map((row) => row.key);
}

/** Forgets archive objects whose bytes the sweep deleted (keys are never reused, so none comes back). */
export async function forgetArchiveObjects(db: Db, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.delete(projectArchive).where(inArray(projectArchive.key, keys));
}
