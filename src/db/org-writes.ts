import { and, eq, sql } from "drizzle-orm";
import type { Role } from "../domain/roles";
import type { OrgProfile } from "../domain/org-profile";
import { guard, type Statement } from "./batch";
import type { Db } from "./client";
import { membership, organization } from "./schema";

/*
 * Statement builders for the org object's batches. Each change is guarded in SQL as well as
 * decided in the serial queue: the guards assert what the decision read, so a writer that
 * bypassed the queue with a stale read makes the whole batch roll back.
 */

export function guardRole(db: Db, orgId: string, userId: string, role: Role): Statement {
  return guard(
    db,
    `member ${userId} is no longer ${role}`,
    sql`EXISTS (SELECT 1 FROM membership WHERE user_id = ${userId} AND org_id = ${orgId} AND role = ${role})`,
  );
}

export function guardVersion(db: Db, orgId: string, version: number): Statement {
  return guard(db, `org ${orgId} changed`, sql`EXISTS (SELECT 1 FROM organization WHERE id = ${orgId} AND version = ${version})`);
}

/** Asserts a member's machines (ids and names, in list order) are still `machines`, as a decision that did not read them saw them. */
export function guardMachines(db: Db, orgId: string, userId: string, machines: { id: string; name: string }[]): Statement {
  const seen = JSON.stringify(machines.map(({ id, name }) => [id, name]));
  return guard(
    db,
    `member ${userId}'s machines changed`,
    sql`(SELECT json_group_array(json_array(id, name)) FROM (SELECT id, name FROM machine WHERE org_id = ${orgId} AND owner_id = ${userId} ORDER BY created_at, id)) = ${seen}`,
  );
}

/** Invariant 1, checked at the end of a batch: the unique index keeps "at most one", this "at least one". */
export function guardOneOwner(db: Db, orgId: string): Statement {
  return guard(
    db,
    `org ${orgId} must have one Owner`,
    sql`(SELECT count(*) FROM membership WHERE org_id = ${orgId} AND role = 'owner') = 1`,
  );
}

export function bumpVersion(db: Db, orgId: string): Statement {
  return db
    .update(organization)
    .set({ version: sql`${organization.version} + 1` })
    .where(eq(organization.id, orgId));
}

export function insertOrg(db: Db, org: OrgProfile & { id: string; createdAt: Date }): Statement {
  return db.insert(organization).values({ ...org, version: 1 });
}

export function insertMembership(db: Db, member: { userId: string; orgId: string; role: Role; joinedAt: Date }): Statement {
  return db.insert(membership).values(member);
}

export function updateProfile(db: Db, orgId: string, changes: Partial<OrgProfile>): Statement {
  return db.update(organization).set(changes).where(eq(organization.id, orgId));
}

export function setRole(db: Db, orgId: string, userId: string, from: Role, to: Role): Statement {
  return db
    .update(membership)
    .set({ role: to })
    .where(and(eq(membership.userId, userId), eq(membership.orgId, orgId), eq(membership.role, from)));
}

export function deleteMembership(db: Db, orgId: string, userId: string, role: Role): Statement {
  return db.delete(membership).where(and(eq(membership.userId, userId), eq(membership.orgId, orgId), eq(membership.role, role)));
}

/** Asserts the conditional insert above happened, so a refused insert is never reported as made. */
export function guardInserted(db: Db, table: "machine" | "volume", id: string): Statement {
  const condition =
    table === "machine" ? sql`EXISTS (SELECT 1 FROM machine WHERE id = ${id})` : sql`EXISTS (SELECT 1 FROM volume WHERE id = ${id})`;
  return guard(db, `${table} ${id} was not inserted`, condition);
}

export function guardOwns(db: Db, table: "machine" | "volume", orgId: string, id: string, ownerId: string): Statement {
  const condition =
    table === "machine"
      ? sql`EXISTS (SELECT 1 FROM machine WHERE id = ${id} AND org_id = ${orgId} AND owner_id = ${ownerId})`
      : sql`EXISTS (SELECT 1 FROM volume WHERE id = ${id} AND org_id = ${orgId} AND owner_id = ${ownerId})`;
  return guard(db, `${table} ${id} is not ${ownerId}'s`, condition);
}
