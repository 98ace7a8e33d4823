import { and, asc, eq, sql } from "drizzle-orm";
import { guard, rawStatement, type AuditEntry, type Statement } from "./batch";
import type { Db } from "./client";
import { volume } from "./schema";

/** A volume as the API, the dashboard and stored command results see it. */
export interface VolumeRecord {
  id: string;
  name: string;
  sizeGb: number;
  ownerId: string;
  createdAt: string;
}

type VolumeRow = typeof volume.$inferSelect;

function toVolume(row: VolumeRow): VolumeRecord {
  return { id: row.id, name: row.name, sizeGb: row.sizeGb, ownerId: row.ownerId, createdAt: row.createdAt.toISOString() };
}

/** The org's volumes: one owner's, or (for Admins and the Owner) every one. */
export async function listVolumes(db: Db, orgId: string, ownerId?: string): Promise<VolumeRecord[]> {
  const rows = await db
    .select()
    .from(volume)
    .where(ownerId === undefined ? eq(volume.orgId, orgId) : and(eq(volume.orgId, orgId), eq(volume.ownerId, ownerId)))
    .orderBy(asc(volume.createdAt), asc(volume.id));
  return rows.map(toVolume);
}

export async function findVolume(db: Db, orgId: string, id: string): Promise<VolumeRecord | undefined> {
  const [row] = await db
    .select()
    .from(volume)
    .where(and(eq(volume.orgId, orgId), eq(volume.id, id)))
    .limit(1);
  return row && toVolume(row);
}

/**
 * Inserts only while the owner is a member of the org, decided by D1 at the moment of the
 * insert: a volume made while its owner is being removed is either moved with the rest or
 * not made at all.
 */
export function insertVolumeIfMember(
  db: Db,
  row: { id: string; orgId: string; ownerId: string; name: string; sizeGb: number; createdAt: Date },
): Statement {
  return rawStatement(
    db,
    sql`
    INSERT INTO volume (id, org_id, owner_id, name, size_gb, created_at)
    SELECT ${row.id}, ${row.orgId}, ${row.ownerId}, ${row.name}, ${row.sizeGb}, ${row.createdAt.getTime()}
    WHERE EXISTS (SELECT 1 FROM membership WHERE user_id = ${row.ownerId} AND org_id = ${row.orgId})`,
  );
}

/** Asserts the conditional insert above happened, so a refused insert is never reported as made. */
export function guardVolumeInserted(db: Db, id: string): Statement {
  return guard(db, `volume ${id} was not inserted`, sql`EXISTS (SELECT 1 FROM volume WHERE id = ${id})`);
}

export function guardOwnsVolume(db: Db, orgId: string, id: string, ownerId: string): Statement {
  return guard(
    db,
    `volume ${id} is not ${ownerId}'s`,
    sql`EXISTS (SELECT 1 FROM volume WHERE id = ${id} AND org_id = ${orgId} AND owner_id = ${ownerId})`,
  );
}

export function deleteVolume(db: Db, orgId: string, id: string, ownerId: string): Statement {
  return db.delete(volume).where(and(eq(volume.id, id), eq(volume.orgId, orgId), eq(volume.ownerId, ownerId)));
}

/**
 * The "volumes moved to the Owner" event, counted by SQL in the same batch just before the
 * move, so the count is exactly what moved; no event when there was nothing to move.
 */
export function auditVolumesMoved(db: Db, entry: AuditEntry, fromUserId: string, owner: { userId: string; username: string }): Statement {
  return rawStatement(
    db,
    sql`
    INSERT INTO audit_event (id, org_id, at, action, actor_id, actor_username, target_id, target_username, details)
    SELECT ${entry.id}, ${entry.orgId}, ${entry.at.getTime()}, ${entry.action}, ${entry.actor.userId}, ${entry.actor.username},
           ${entry.target?.userId ?? null}, ${entry.target?.username ?? null},
           json_object('count', count(*), 'toUserId', ${owner.userId}, 'toUsername', ${owner.username})
    FROM volume WHERE org_id = ${entry.orgId} AND owner_id = ${fromUserId}
    HAVING count(*) > 0`,
  );
}

/** One statement however many volumes: a per-id list would pass D1's 100 bound parameters. */
export function moveVolumes(db: Db, orgId: string, fromUserId: string, toUserId: string): Statement {
  return db
    .update(volume)
    .set({ ownerId: toUserId })
    .where(and(eq(volume.orgId, orgId), eq(volume.ownerId, fromUserId)));
}
