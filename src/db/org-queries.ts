import { and, asc, desc, eq, inArray, lt, ne } from "drizzle-orm";
import type { Role } from "../domain/roles";
import { ROLE_ORDER } from "../domain/membership";
import type { OrgProfile } from "../domain/org-profile";
import type { Db } from "./client";
import { auditEvent, machine, membership, organization, user } from "./schema";

/**
 * Records as the API, the dashboard and stored command results see them: plain JSON (times
 * as ISO strings), so a replayed command answers exactly what the first attempt did.
 */
export interface OrgRecord extends OrgProfile {
  id: string;
  createdAt: string;
}

export interface MemberRecord {
  userId: string;
  username: string;
  name: string;
  role: Role;
  joinedAt: string;
}

export interface EventRecord {
  id: string;
  at: string;
  action: string;
  actor: { userId: string; username: string };
  target?: { userId: string; username: string };
  details: Record<string, unknown>;
}

const orgColumns = {
  id: organization.id,
  name: organization.name,
  website: organization.website,
  location: organization.location,
  sector: organization.sector,
  universityName: organization.universityName,
  description: organization.description,
  createdAt: organization.createdAt,
  version: organization.version,
};

const memberColumns = {
  userId: membership.userId,
  username: user.username,
  name: user.name,
  role: membership.role,
  joinedAt: membership.joinedAt,
};

type MemberRow = { userId: string; username: string | null; name: string; role: Role; joinedAt: Date };

function toMember(row: MemberRow): MemberRecord {
  return { userId: row.userId, username: row.username ?? "", name: row.name, role: row.role, joinedAt: row.joinedAt.toISOString() };
}

/** The order every member list is shown in: Owner, Admins, Users, then by who joined first. */
export function byRoleThenJoined(a: MemberRecord, b: MemberRecord): number {
  return ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.joinedAt.localeCompare(b.joinedAt) || a.userId.localeCompare(b.userId);
}

/** The org with its version, which every membership change asserts and bumps. */
export async function findOrg(db: Db, orgId: string): Promise<(OrgRecord & { version: number }) | undefined> {
  const [row] = await db.select(orgColumns).from(organization).where(eq(organization.id, orgId)).limit(1);
  return row && { ...row, createdAt: row.createdAt.toISOString() };
}

export function withoutVersion(org: OrgRecord & { version?: number }): OrgRecord {
  const { version: _version, ...record } = org;
  return record;
}

/** The members of `orgId` among `userIds` (one query; missing ones are simply absent). */
export async function findMembers(db: Db, orgId: string, userIds: string[]): Promise<Map<string, MemberRecord>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .select(memberColumns)
    .from(membership)
    .innerJoin(user, eq(user.id, membership.userId))
    .where(and(eq(membership.orgId, orgId), inArray(membership.userId, [...new Set(userIds)])));
  return new Map(rows.map((row) => [row.userId, toMember(row)]));
}

export async function findMember(db: Db, orgId: string, userId: string): Promise<MemberRecord | undefined> {
  return (await findMembers(db, orgId, [userId])).get(userId);
}

export async function findOwner(db: Db, orgId: string): Promise<MemberRecord | undefined> {
  const [row] = await db
    .select(memberColumns)
    .from(membership)
    .innerJoin(user, eq(user.id, membership.userId))
    .where(and(eq(membership.orgId, orgId), eq(membership.role, "owner")))
    .limit(1);
  return row && toMember(row);
}

/** Whether the user belongs to any org at all (invariant 2 is checked across orgs). */
export async function hasMembership(db: Db, userId: string): Promise<boolean> {
  const [row] = await db.select({ userId: membership.userId }).from(membership).where(eq(membership.userId, userId)).limit(1);
  return row !== undefined;
}

export async function findUser(db: Db, userId: string): Promise<{ id: string; username: string; name: string } | undefined> {
  const [row] = await db.select({ id: user.id, username: user.username, name: user.name }).from(user).where(eq(user.id, userId)).limit(1);
  return row && { id: row.id, username: row.username ?? "", name: row.name };
}

/** The Owner and every Admin. */
export async function listLeadership(db: Db, orgId: string): Promise<MemberRecord[]> {
  const rows = await db
    .select(memberColumns)
    .from(membership)
    .innerJoin(user, eq(user.id, membership.userId))
    .where(and(eq(membership.orgId, orgId), ne(membership.role, "user")));
  return rows.map(toMember).sort(byRoleThenJoined);
}

export type MemberWithMachines = MemberRecord & { machines: { id: string; name: string }[] };

/**
 * One member of `orgId` with their machines, in one query (a row per machine): what a role
 * change answers, read at the edge beside the principal so the org object need not read it.
 */
export async function findMemberWithMachines(db: Db, orgId: string, userId: string): Promise<MemberWithMachines | null> {
  const rows = await db
    .select({ ...memberColumns, machineId: machine.id, machineName: machine.name })
    .from(membership)
    .innerJoin(user, eq(user.id, membership.userId))
    .leftJoin(machine, and(eq(machine.orgId, membership.orgId), eq(machine.ownerId, membership.userId)))
    .where(and(eq(membership.orgId, orgId), eq(membership.userId, userId)))
    .orderBy(asc(machine.createdAt), asc(machine.id));
  const [first] = rows;
  if (!first) return null;
  const machines = rows.flatMap(({ machineId, machineName }) =>
    machineId && machineName !== null ? [{ id: machineId, name: machineName }] : [],
  );
  return { ...toMember(first), machines };
}

/** Every member with their machines: two queries, whatever the org's size. */
export async function listMembers(db: Db, orgId: string): Promise<MemberWithMachines[]> {
  const [rows, machines] = await Promise.all([
    db.select(memberColumns).from(membership).innerJoin(user, eq(user.id, membership.userId)).where(eq(membership.orgId, orgId)),
    db
      .select({ id: machine.id, name: machine.name, ownerId: machine.ownerId })
      .from(machine)
      .where(eq(machine.orgId, orgId))
      .orderBy(asc(machine.createdAt), asc(machine.id)),
  ]);
  const byOwner = new Map<string, { id: string; name: string }[]>();
  for (const { id, name, ownerId } of machines) {
    const list = byOwner.get(ownerId) ?? [];
    list.push({ id, name });
    byOwner.set(ownerId, list);
  }
  return rows
    .map(toMember)
    .sort(byRoleThenJoined)
    .map((member) => ({ ...member, machines: byOwner.get(member.userId) ?? [] }));
}

/**
 * A page of the audit log, newest first. The cursor is the id of the last event of the
 * previous page; ids sort by time, so a page is one index range scan.
 */
export async function listEvents(
  db: Db,
  orgId: string,
  page: { cursor?: string | undefined; limit: number },
): Promise<{ events: EventRecord[]; nextCursor: string | null }> {
  const rows = await db
    .select()
    .from(auditEvent)
    .where(page.cursor ? and(eq(auditEvent.orgId, orgId), lt(auditEvent.id, page.cursor)) : eq(auditEvent.orgId, orgId))
    .orderBy(desc(auditEvent.id))
    .limit(page.limit + 1);
  const shown = rows.slice(0, page.limit);
  const events = shown.map((row): EventRecord => {
    const event: EventRecord = {
      id: row.id,
      at: row.at.toISOString(),
      action: row.action,
      actor: { userId: row.actorId, username: row.actorUsername },
      details: row.details,
    };
    if (row.targetId) event.target = { userId: row.targetId, username: row.targetUsername ?? "" };
    return event;
  });
  return { events, nextCursor: rows.length > page.limit ? (shown.at(-1)?.id ?? null) : null };
}
