import { and, asc, desc, eq, gt, gte, inArray, isNull, type Placeholder, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { CodeRole } from "../domain/join-code";
import { prepared, type Db } from "./client";
import { guard, type Statement } from "./batch";
import { joinCode, organization, user } from "./schema";

export interface NewJoinCode {
  id: string;
  orgId: string;
  codeHash: string;
  hint: string;
  role: CodeRole;
  label: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
}

/** A live code as the edge finds it: what its redemption needs, none of which changes while it is live. */
export interface LiveCodeRef {
  id: string;
  orgId: string;
  orgName: string;
  role: CodeRole;
  label: string;
}

/** A code that is not used, revoked or expired. */
const live = (now: Date | Placeholder) => and(isNull(joinCode.redeemedAt), isNull(joinCode.revokedAt), gt(joinCode.expiresAt, now));

const liveCodeByHash = (db: Db) =>
  db
    .select({ id: joinCode.id, orgId: joinCode.orgId, orgName: organization.name, role: joinCode.role, label: joinCode.label })
    .from(joinCode)
    .innerJoin(organization, eq(organization.id, joinCode.orgId))
    .where(and(eq(joinCode.codeHash, sql.placeholder("codeHash")), live(sql.placeholder("now"))))
    .limit(1)
    .prepare();

/**
 * The live code with this keyed hash, if any: one row through join_code_live_hash_idx (the
 * query repeats the partial index's condition, which is what lets SQLite use it).
 */
export async function findLiveCodeByHash(db: Db, codeHash: string, now: Date): Promise<LiveCodeRef | undefined> {
  const [row] = await prepared(db, liveCodeByHash).all({ codeHash, now: now.getTime() });
  return row;
}

/** A code of this org by id, whatever its state: the org object decides on it. */
export async function findOrgCode(db: Db, orgId: string, codeId: string) {
  const [row] = await db
    .select({
      id: joinCode.id,
      role: joinCode.role,
      hint: joinCode.hint,
      expiresAt: joinCode.expiresAt,
      redeemedAt: joinCode.redeemedAt,
      revokedAt: joinCode.revokedAt,
    })
    .from(joinCode)
    .where(and(eq(joinCode.id, codeId), eq(joinCode.orgId, orgId)))
    .limit(1);
  return row;
}

/**
 * What a redemption decides on, in one round trip: the org's code by id (whatever its state),
 * the org's name and version, and the redeemer's username. Undefined if any of them is gone.
 */
export function isLive(code: { expiresAt: Date; redeemedAt: Date | null; revokedAt: Date | null }, now: Date): boolean {
  return code.redeemedAt === null && code.revokedAt === null && code.expiresAt.getTime() > now.getTime();
}

/** What every list shows of a code, beside who made it (joined under the caller's alias). */
const codeSummaryColumns = {
  id: joinCode.id,
  hint: joinCode.hint,
  role: joinCode.role,
  label: joinCode.label,
  createdAt: joinCode.createdAt,
  createdById: joinCode.createdBy,
};

/** The org's codes of the given roles redeemed since `since`, newest use first, with who made and who used each. */
export async function listRedeemedCodes(db: Db, orgId: string, roles: CodeRole[], since: Date) {
  if (roles.length === 0) return [];
  const creator = alias(user, "creator");
  return db
    .select({
      ...codeSummaryColumns,
      createdByUsername: creator.username,
      redeemedAt: joinCode.redeemedAt,
      redeemedById: joinCode.redeemedBy,
      redeemedByUsername: user.username,
    })
    .from(joinCode)
    .innerJoin(creator, eq(creator.id, joinCode.createdBy))
    .leftJoin(user, eq(user.id, joinCode.redeemedBy))
    .where(and(eq(joinCode.orgId, orgId), inArray(joinCode.role, roles), gte(joinCode.redeemedAt, since)))
    .orderBy(desc(joinCode.redeemedAt), desc(joinCode.id));
}

/** The org's live codes of the given roles, oldest first, with who made each. */
export async function listLiveCodes(db: Db, orgId: string, roles: CodeRole[], now: Date) {
  if (roles.length === 0) return [];
  return db
    .select({
      ...codeSummaryColumns,
      expiresAt: joinCode.expiresAt,
      createdByUsername: user.username,
    })
    .from(joinCode)
    .innerJoin(user, eq(user.id, joinCode.createdBy))
    .where(and(eq(joinCode.orgId, orgId), inArray(joinCode.role, roles), live(now)))
    .orderBy(asc(joinCode.createdAt), asc(joinCode.id));
}

// D1 binds at most 100 parameters per statement; a code row binds 9.
const ROWS_PER_INSERT = Math.floor(100 / 9);

/** Inserts the codes in as few statements as the parameter limit allows. */
export function insertCodes(db: Db, codes: NewJoinCode[]): Statement[] {
  const statements: Statement[] = [];
  for (let start = 0; start < codes.length; start += ROWS_PER_INSERT) {
    statements.push(db.insert(joinCode).values(codes.slice(start, start + ROWS_PER_INSERT)));
  }
  return statements;
}

/**
 * Marks a live code revoked, then a guard aborts the batch unless exactly that row changed:
 * a code used or revoked since it was read stays as it is.
 */
export function revokeCode(db: Db, orgId: string, codeId: string, now: Date): Statement[] {
  return [
    db
      .update(joinCode)
      .set({ revokedAt: now })
      .where(and(eq(joinCode.id, codeId), eq(joinCode.orgId, orgId), isNull(joinCode.redeemedAt), isNull(joinCode.revokedAt))),
    guard(db, "join code still live", sql`changes() = 1`),
  ];
}

/**
 * Consumes a code only if it is still live at `now`; the guard right after it aborts the
 * whole batch (membership, audit, version) when the update changed no row.
 */
export function consumeCode(db: Db, codeId: string, userId: string, now: Date): Statement[] {
  return [
    db
      .update(joinCode)
      .set({ redeemedAt: now, redeemedBy: userId })
      .where(and(eq(joinCode.id, codeId), live(now))),
    guard(db, "join code still live", sql`changes() = 1`),
  ];
}

/** When the account was made: part of whether it is "known" while the global budget is spent. */
export async function accountCreatedAt(db: Db, userId: string): Promise<number | null> {
  const [row] = await db.select({ createdAt: user.createdAt }).from(user).where(eq(user.id, userId)).limit(1);
  return row ? row.createdAt.getTime() : null;
}
