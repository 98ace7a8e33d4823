import { and, eq, gt, lt, or, isNull, sql } from "drizzle-orm";
import type { Principal } from "../env";
import { prepared, type Db } from "./client";
import { apiToken, membership, organization, session, user } from "./schema";

const principalColumns = {
  userId: user.id,
  email: user.email,
  username: user.username,
  name: user.name,
  orgId: organization.id,
  orgName: organization.name,
  role: membership.role,
};

type PrincipalRow = { [K in keyof typeof principalColumns]: (typeof principalColumns)[K]["_"]["data"] | null };

function toPrincipal(row: PrincipalRow | undefined, via: Principal["via"]): Principal | null {
  if (!row?.userId || !row.email || !row.name) return null;
  return {
    user: { id: row.userId, email: row.email, username: row.username ?? "", name: row.name },
    org: row.orgId && row.orgName ? { id: row.orgId, name: row.orgName } : null,
    role: row.role ?? null,
    via,
  };
}

const bySessionToken = (db: Db) =>
  db
    .select({ ...principalColumns, sessionId: session.id, expiresAt: session.expiresAt })
    .from(session)
    .innerJoin(user, eq(user.id, session.userId))
    .leftJoin(membership, eq(membership.userId, user.id))
    .leftJoin(organization, eq(organization.id, membership.orgId))
    .where(and(eq(session.token, sql.placeholder("token")), gt(session.expiresAt, sql.placeholder("now"))))
    .limit(1)
    .prepare();

/** One query: a live session, its user, and the user's current membership (if any). */
export async function principalBySessionToken(
  db: Db,
  token: string,
  now: Date,
): Promise<{ principal: Principal; sessionId: string; expiresAt: Date } | null> {
  const [row] = await prepared(db, bySessionToken).all({ token, now: now.getTime() });
  const principal = toPrincipal(row, "cookie");
  return principal && row ? { principal, sessionId: row.sessionId, expiresAt: row.expiresAt } : null;
}

const byTokenHash = (db: Db) =>
  db
    .select({ ...principalColumns, tokenId: apiToken.id, lastUsedAt: apiToken.lastUsedAt })
    .from(apiToken)
    .innerJoin(user, eq(user.id, apiToken.userId))
    .leftJoin(membership, eq(membership.userId, user.id))
    .leftJoin(organization, eq(organization.id, membership.orgId))
    .where(eq(apiToken.tokenHash, sql.placeholder("tokenHash")))
    .limit(1)
    .prepare();

/** One query: the token's user and membership. */
export async function principalByTokenHash(
  db: Db,
  tokenHash: string,
): Promise<{ principal: Principal; tokenId: string; lastUsedAt: Date | null } | null> {
  const [row] = await prepared(db, byTokenHash).all({ tokenHash });
  const principal = toPrincipal(row, "token");
  return principal && row ? { principal, tokenId: row.tokenId, lastUsedAt: row.lastUsedAt } : null;
}

/** Moves a session's end to `expiresAt`, never backwards (two requests may race to extend it). */
export async function extendSession(db: Db, sessionId: string, expiresAt: Date, now: Date): Promise<void> {
  await db
    .update(session)
    .set({ expiresAt, updatedAt: now })
    .where(and(eq(session.id, sessionId), lt(session.expiresAt, expiresAt)));
}

/** How often a token in use has its last use written. */
export const TOKEN_TOUCH_MS = 60_000;

/** Marks a token used, at most once a minute, so a busy client does not write on every request. */
export async function touchToken(db: Db, tokenId: string, now: Date): Promise<void> {
  const aMinuteAgo = new Date(now.getTime() - TOKEN_TOUCH_MS);
  await db
    .update(apiToken)
    .set({ lastUsedAt: now })
    .where(and(eq(apiToken.id, tokenId), or(isNull(apiToken.lastUsedAt), lt(apiToken.lastUsedAt, aMinuteAgo))));
}
