/** The throttles of the contract: how many failures a key may have inside a sliding window. */
export interface ThrottleRule {
  /** Distinguishes keys of different rules in the object's name. */
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const THROTTLES = {
  signInPerAccount: { name: "sign-in:account", limit: 10, windowMs: 15 * MINUTE },
  signUpPerAddress: { name: "sign-up:address", limit: 500, windowMs: HOUR },
  joinPerAccount: { name: "join:account", limit: 10, windowMs: 15 * MINUTE },
  joinPerAddress: { name: "join:address", limit: 100, windowMs: HOUR },
  /** Failures by everyone together; past it, only known accounts may redeem (docs/join-codes.md). */
  joinGlobal: { name: "join:global", limit: 300, windowMs: HOUR },
  /** An account with a failure in here is not "known": it cannot redeem while the global budget is spent. */
  joinAccountDay: { name: "join:account-day", limit: 1, windowMs: 24 * HOUR },
  /** Failures by known accounts of one address while the global budget is spent. */
  joinAddressLockdown: { name: "join:address-lockdown", limit: 10, windowMs: 24 * HOUR },
  /** Failures by all known accounts together while the global budget is spent: the absolute bound. */
  joinKnownGlobal: { name: "join:known-global", limit: 50, windowMs: HOUR },
  /** Device login: failed user-code guesses (approve, deny or look up), as for join codes. */
  devicePerAccount: { name: "device:account", limit: 10, windowMs: 15 * MINUTE },
  devicePerAddress: { name: "device:address", limit: 100, windowMs: HOUR },
} as const satisfies Record<string, ThrottleRule>;

export type ThrottleDecision = { allowed: true; ticket: string } | { allowed: false; retryAfterSeconds: number };

/**
 * Decides one attempt against a log of attempt times (oldest first) that still count.
 * Pure, so the window arithmetic is tested without an object.
 */
export function decideAttempt(
  log: readonly number[],
  rule: Pick<ThrottleRule, "limit" | "windowMs">,
  now: number,
): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
  const live = log.filter((at) => at > now - rule.windowMs);
  if (live.length < rule.limit) return { allowed: true };
  const oldest = live[live.length - rule.limit] ?? now;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + rule.windowMs - now) / 1000)) };
}
