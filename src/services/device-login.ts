import { clock } from "../clock";
import type { Config } from "../config";
import { createDb, type Db } from "../db/client";
import { isUniqueViolation } from "../db/batch";
import {
  decideDeviceLogin,
  findDeviceLoginByDeviceCode,
  findUndecidedByUserCode,
  insertDeviceLogin,
  mintDeviceToken,
  recordPoll,
  recordSlowDown,
} from "../db/device-login-queries";
import { newApiToken } from "../domain/api-token";
import {
  DEVICE_CODE_LIFETIME_SECONDS,
  DEVICE_POLL_INTERVAL_SECONDS,
  SLOW_DOWN_STEP_SECONDS,
  decidePoll,
  formatUserCode,
  generateUserCode,
  parseUserCode,
  tokenNameFor,
} from "../domain/device-login";
import { newId, newSecret } from "../domain/ids";
import { keyedHash } from "../domain/keyed-hash";
import { THROTTLES } from "../domain/throttle";
import { throttleFor } from "./throttle-client";
import { AppError } from "../errors";

export interface DeviceCodeGrant {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string;
  expiresIn: number;
  interval: number;
}

export interface DeviceToken {
  token: string;
  tokenId: string;
  user: { id: string; username: string };
}

/** Who is typing a user code, for the throttles. */
export interface Approver {
  userId: string;
  address: string;
}

/** Starts a login for a client (`origin` is the app's own, where the person approves it); a nameless client is called "Device login". */
export async function startDeviceLogin(env: Env, config: Config, input: { clientName: string; origin: string }): Promise<DeviceCodeGrant> {
  const db = createDb(env.DB);
  const now = clock.now();
  // 20^8 user codes: a collision with a row still kept is rare, and then we draw again.
  for (let attempt = 0; ; attempt += 1) {
    const deviceCode = `cohd_${newSecret()}`;
    const userCode = generateUserCode();
    try {
      await insertDeviceLogin(db, {
        id: newId(),
        deviceCodeHash: await keyedHash(config.codeHashSecret, deviceCode),
        userCodeHash: await keyedHash(config.codeHashSecret, userCode),
        clientName: tokenNameFor(input.clientName),
        intervalSeconds: DEVICE_POLL_INTERVAL_SECONDS,
        createdAt: new Date(now),
        expiresAt: new Date(now + DEVICE_CODE_LIFETIME_SECONDS * 1000),
      });
      const shown = formatUserCode(userCode);
      const verificationUri = `${input.origin}/device`;
      return {
        deviceCode,
        userCode: shown,
        verificationUri,
        verificationUriComplete: `${verificationUri}?code=${shown}`,
        expiresIn: DEVICE_CODE_LIFETIME_SECONDS,
        interval: DEVICE_POLL_INTERVAL_SECONDS,
      };
    } catch (error) {
      if (attempt < 3 && isUniqueViolation(error, "device_authorization.user_code_hash")) continue;
      throw error;
    }
  }
}

/** One poll of the client (RFC 8628 §3.4–3.5): the token once, after approval; else why not. */
export async function pollDeviceLogin(env: Env, config: Config, deviceCode: string): Promise<DeviceToken> {
  const db = createDb(env.DB);
  const now = clock.now();
  const row = await findDeviceLoginByDeviceCode(db, await keyedHash(config.codeHashSecret, deviceCode));
  // An unknown device code is answered as an expired one: either way the client starts again.
  if (!row) throw new AppError("expired_token");
  const verdict = decidePoll(
    {
      status: row.status,
      expiresAt: row.expiresAt.getTime(),
      lastPolledAt: row.lastPolledAt?.getTime() ?? null,
      intervalSeconds: row.intervalSeconds,
    },
    now,
  );
  if (verdict.kind === "expired_token") throw new AppError("expired_token");
  if (verdict.kind === "slow_down" || !(await recordPoll(db, row.id, row.lastPolledAt, new Date(now)))) {
    await recordSlowDown(db, row.id, SLOW_DOWN_STEP_SECONDS, new Date(now));
    throw new AppError("slow_down");
  }
  if (verdict.kind === "authorization_pending") throw new AppError("authorization_pending");
  if (verdict.kind === "access_denied") throw new AppError("access_denied");
  return mint(config, db, row.id, row.userId, row.clientName, now);
}

async function mint(config: Config, db: Db, id: string, userId: string | null, name: string, now: number): Promise<DeviceToken> {
  if (!userId) throw new AppError("expired_token");
  const { token, record } = await newApiToken(config.codeHashSecret, { userId, name, now });
  const owner = await mintDeviceToken(db, { id, token: record, now: new Date(now) });
  if (!owner) throw new AppError("expired_token");
  return { token, tokenId: record.id, user: { id: owner.id, username: owner.username ?? "" } };
}

/**
 * Runs one user-code attempt under the throttles, as join codes do: the attempt is reserved
 * as a failure before the code is looked at and forgiven only if it names an undecided
 * login, so concurrent guesses cannot overshoot a limit; past it every attempt (a good code
 * too) is 429 until the window passes.
 */
async function throttled<T>(
  env: Env,
  config: Config,
  who: Approver,
  input: string,
  attempt: (userCodeHash: string) => Promise<T | null>,
): Promise<T> {
  const account = throttleFor(env, THROTTLES.devicePerAccount, who.userId);
  const address = throttleFor(env, THROTTLES.devicePerAddress, who.address);
  const decisions = await Promise.all([account.reserve(), address.reserve()]);
  const forgive = () =>
    Promise.all(
      [account, address].map((throttle, index) => {
        const decision = decisions[index]!;
        return decision.allowed ? throttle.forgive(decision.ticket) : undefined;
      }),
    );
  const refused = decisions.filter((decision) => !decision.allowed);
  if (refused.length > 0) {
    await forgive();
    throw new AppError("rate_limited", undefined, {
      retryAfterSeconds: Math.max(1, ...refused.map((d) => (d.allowed ? 0 : d.retryAfterSeconds))),
    });
  }
  const code = parseUserCode(input);
  const result = code === null ? null : await attempt(await keyedHash(config.codeHashSecret, code));
  if (result === null) throw new AppError("invalid_code", "That code is not valid, or it has expired or was already used.");
  await forgive();
  return result;
}

/** The login a code names, for the page to show before the person decides. */
export function lookUpDeviceLogin(
  env: Env,
  config: Config,
  who: Approver,
  userCode: string,
): Promise<{ clientName: string; createdAt: Date }> {
  const db = createDb(env.DB);
  return throttled(env, config, who, userCode, async (hash) => {
    const row = await findUndecidedByUserCode(db, hash, new Date(clock.now()));
    return row ? { clientName: row.clientName, createdAt: row.createdAt } : null;
  });
}

/** Approves or denies the login a code names, for the signed-in person. */
export function decideDeviceLoginFor(
  env: Env,
  config: Config,
  who: Approver,
  userCode: string,
  status: "approved" | "denied",
): Promise<{ clientName: string }> {
  const db = createDb(env.DB);
  return throttled(env, config, who, userCode, (hash) =>
    decideDeviceLogin(db, { userCodeHash: hash, userId: who.userId, status, now: new Date(clock.now()) }),
  );
}
