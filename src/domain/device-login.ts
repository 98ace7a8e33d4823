import { z } from "zod";

/** The letters of a user code: no vowels (no words), no look-alikes of digits. */
export const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
export const USER_CODE_LENGTH = 8;
/** How long a device login may wait for approval (RFC 8628 `expires_in`). */
export const DEVICE_CODE_LIFETIME_SECONDS = 600;
/** The least time between two polls of one device login, until a slow_down raises it. */
export const DEVICE_POLL_INTERVAL_SECONDS = 5;
/** What each slow_down adds to the interval (RFC 8628 §3.5). */
export const SLOW_DOWN_STEP_SECONDS = 5;
export const DEFAULT_CLIENT_NAME = "Device login";

export type DeviceLoginStatus = "pending" | "approved" | "denied" | "used";

/** Fills an array with random bytes; the CSPRNG in production, a fixed source only in tests. */
export type ByteSource = (array: Uint8Array) => Uint8Array;

const cryptoBytes: ByteSource = (array) => crypto.getRandomValues(array);

// 20 does not divide 256: bytes at or above 240 would favour the first letters, so they are drawn again.
const ACCEPT_BELOW = 256 - (256 % USER_CODE_ALPHABET.length);

/** 8 letters of the alphabet, each uniform and independent (rejection sampling). */
export function generateUserCode(random: ByteSource = cryptoBytes): string {
  let code = "";
  while (code.length < USER_CODE_LENGTH) {
    for (const byte of random(new Uint8Array(USER_CODE_LENGTH - code.length))) {
      if (byte < ACCEPT_BELOW) code += USER_CODE_ALPHABET[byte % USER_CODE_ALPHABET.length];
    }
  }
  return code;
}

/** `BCDFGHJK` → `BCDF-GHJK`, as people see it. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

const USER_CODE_INPUT = new RegExp(`^[${USER_CODE_ALPHABET}]{${USER_CODE_LENGTH}}$`);

/**
 * The 8 letters of what a person typed (dashes, spaces and case ignored), or null when it
 * cannot be a user code at all. ASCII only: `toUpperCase` must not turn other scripts into ours.
 */
export function parseUserCode(input: string): string | null {
  const compact = input.replace(/[\s-]/g, "");
  if (!/^[A-Za-z]*$/.test(compact)) return null;
  const upper = compact.toUpperCase();
  return USER_CODE_INPUT.test(upper) ? upper : null;
}

export const deviceCodeRequestSchema = z.strictObject({
  clientName: z.string().trim().max(100).optional(),
});

export const deviceTokenRequestSchema = z.strictObject({
  deviceCode: z.string().min(1).max(200),
});

/** What a person types: any string up to a sane length; whether it is a code is decided (and counted) later. */
export const userCodeRequestSchema = z.strictObject({
  userCode: z.string().max(64),
});

/** The token's name: the client's own words, or a default when it gave none. */
export function tokenNameFor(clientName: string): string {
  return clientName === "" ? DEFAULT_CLIENT_NAME : clientName;
}

export interface DeviceLoginState {
  status: DeviceLoginStatus;
  expiresAt: number;
  lastPolledAt: number | null;
  intervalSeconds: number;
}

export type PollVerdict =
  | { kind: "expired_token" }
  | { kind: "slow_down" }
  | { kind: "authorization_pending" }
  | { kind: "access_denied" }
  | { kind: "mint" };

/**
 * The answer to one poll (RFC 8628 §3.5). An expired or used login says so whatever the pace;
 * otherwise a poll sooner than the interval after the previous one is slow_down, and the
 * rest follow the login's status. The first poll may come at once.
 */
export function decidePoll(state: DeviceLoginState, now: number): PollVerdict {
  if (state.status === "used" || now >= state.expiresAt) return { kind: "expired_token" };
  if (state.lastPolledAt !== null && now - state.lastPolledAt < state.intervalSeconds * 1000) return { kind: "slow_down" };
  if (state.status === "pending") return { kind: "authorization_pending" };
  if (state.status === "denied") return { kind: "access_denied" };
  return { kind: "mint" };
}

/** Whether a person may still approve or deny the login. */
export function isUndecided(state: Pick<DeviceLoginState, "status" | "expiresAt">, now: number): boolean {
  return state.status === "pending" && now < state.expiresAt;
}
