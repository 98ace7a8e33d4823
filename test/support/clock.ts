import { afterEach } from "vitest";
import { clock } from "../../src/clock";

/** Puts the real clock back after each test of the calling file, however a test moved it. */
export function restoreClockAfterEach(): void {
  const realNow = clock.now;
  afterEach(() => {
    clock.now = realNow;
  });
}

/** Freezes the server clock at `start` and returns a function that moves it forward by `ms`. */
export function frozenClock(start = Date.now()): (ms: number) => void {
  let now = start;
  clock.now = () => now;
  return (ms) => {
    now += ms;
  };
}
