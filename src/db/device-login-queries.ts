import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { DeviceLoginStatus } from "../domain/device-login";
import { rawStatement } from "./batch";
import type { Db } from "./client";
import { deviceAuthorization, user } from "./schema";

export interface DeviceLoginRow {
  id: string;
  clientName: string;
  status: DeviceLoginStatus;
  userId: string | null;
  intervalSeconds: number;
  lastPolledAt: Date | null;
  createdAt: Date;
  expiresAt: Date;
}

const ROW = {
  id: deviceAuthorization.id,
  clientName: deviceAuthorization.clientName,
  status: deviceAuthorization.status,
  userId: deviceAuthorization.userId,
  intervalSeconds: deviceAuthorization.intervalSeconds,
  lastPolledAt: deviceAuthorization.lastPolledAt,
  createdAt: deviceAuthorization.createdAt,
  expiresAt: deviceAuthorization.expiresAt,
};

export async function insertDeviceLogin(
  db: Db,
  row: {
    id: string;
    deviceCodeHash: string;
    userCodeHash: string;
    clientName: string;
    intervalSeconds: number;
    createdAt: Date;
    expiresAt: Date;
  },
): Promise<void> {
  await db.insert(deviceAuthorization).values({ ...row, status: "pending" });
}

export async function findDeviceLoginByDeviceCode(db: Db, deviceCodeHash: string): Promise<DeviceLoginRow | undefined> {
  const [row] = await db.select(ROW).from(deviceAuthorization).where(eq(deviceAuthorization.deviceCodeHash, deviceCodeHash)).limit(1);
  return row;
}

/** A login a person may still approve or deny: pending and not expired at `now`. */
export async function findUndecidedByUserCode(db: Db, userCodeHash: string, now: Date): Promise<DeviceLoginRow | undefined> {
  const [row] = await db
    .select(ROW)
    .from(deviceAuthorization)
    .where(
      and(
        eq(deviceAuthorization.userCodeHash, userCodeHash),
        eq(deviceAuthorization.status, "pending"),
        gt(deviceAuthorization.expiresAt, now),
      ),
    )
    .limit(1);
  return row;
}

/**
 * Approves or denies an undecided login in one guarded statement, so of two racing decisions
 * only the first counts. Returns the client's name, or null when nothing was undecided.
 */
export async function decideDeviceLogin(
  db: Db,
  input: { userCodeHash: string; userId: string; status: "approved" | "denied"; now: Date },
): Promise<{ clientName: string } | null> {
  const [row] = await db
    .update(deviceAuthorization)
    .set({ status: input.status, userId: input.userId, decidedAt: input.now })
    .where(
      and(
        eq(deviceAuthorization.userCodeHash, input.userCodeHash),
        eq(deviceAuthorization.status, "pending"),
        gt(deviceAuthorization.expiresAt, input.now),
      ),
    )
    .returning({ clientName: deviceAuthorization.clientName });
  return row ?? null;
}

/**
 * Records a poll unless another poll was recorded since `previous` was read: false means a
 * concurrent poll came first, so this one is too soon.
 */
export async function recordPoll(db: Db, id: string, previous: Date | null, now: Date): Promise<boolean> {
  const rows = await db
    .update(deviceAuthorization)
    .set({ lastPolledAt: now })
    .where(
      and(
        eq(deviceAuthorization.id, id),
        previous === null ? isNull(deviceAuthorization.lastPolledAt) : eq(deviceAuthorization.lastPolledAt, previous),
      ),
    )
    .returning({ id: deviceAuthorization.id });
  return rows.length > 0;
}

/** A poll that came too soon: it still counts as the previous poll, and the interval grows by `step` seconds. */
export async function recordSlowDown(db: Db, id: string, stepSeconds: number, now: Date): Promise<void> {
  await db
    .update(deviceAuthorization)
    .set({ lastPolledAt: now, intervalSeconds: sql`${deviceAuthorization.intervalSeconds} + ${stepSeconds}` })
    .where(eq(deviceAuthorization.id, id));
}

/**
 * Turns an approved login into its API token in one batch: the login becomes `used` (naming
 * the token) only while still approved and unexpired, and the token row is inserted only if
 * this batch is the one that did so. Two racing polls cannot both mint. Returns the user the
 * token belongs to, or null when the login was no longer approved.
 */
export async function mintDeviceToken(
  db: Db,
  input: { id: string; token: { id: string; name: string; tokenHash: string; createdAt: Date }; now: Date },
): Promise<{ id: string; username: string | null } | null> {
  const { token } = input;
  const [, inserted] = await db.batch([
    db
      .update(deviceAuthorization)
      .set({ status: "used", tokenId: token.id })
      .where(
        and(eq(deviceAuthorization.id, input.id), eq(deviceAuthorization.status, "approved"), gt(deviceAuthorization.expiresAt, input.now)),
      ),
    rawStatement(
      db,
      sql`INSERT INTO api_token (id, user_id, name, token_hash, created_at)
          SELECT ${token.id}, user_id, ${token.name}, ${token.tokenHash}, ${token.createdAt.getTime()}
          FROM device_authorization WHERE id = ${input.id} AND token_id = ${token.id} AND status = 'used'`,
    ),
  ]);
  if ((inserted as D1Result).meta.changes === 0) return null;
  const [owner] = await db
    .select({ id: user.id, username: user.username })
    .from(deviceAuthorization)
    .innerJoin(user, eq(user.id, deviceAuthorization.userId))
    .where(eq(deviceAuthorization.id, input.id))
    .limit(1);
  return owner ?? null;
}
