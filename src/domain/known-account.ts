/**
 * While the global budget of failed redemptions is spent, only "known" accounts may redeem:
 * accounts at least this old that have had no failed redemption in the last 24 hours (the
 * second half is held by the `joinAccountDay` throttle). See docs/join-codes.md.
 */
export const KNOWN_ACCOUNT_MIN_AGE_MS = 24 * 60 * 60 * 1000;

export function isOldEnough(createdAt: number | null, now: number): boolean {
  return createdAt !== null && now - createdAt >= KNOWN_ACCOUNT_MIN_AGE_MS;
}
