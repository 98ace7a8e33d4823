/**
 * The server's clock. Code asks `clock.now()` instead of `Date.now()` so tests can move time
 * (expiring codes, passing throttle windows) without sleeping.
 */
export const clock = {
  now: (): number => Date.now(),
};
