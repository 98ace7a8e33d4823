import { clock } from "../clock";
import { isOldEnough } from "../domain/known-account";
import { THROTTLES, type ThrottleDecision } from "../domain/throttle";
import { logOperatorEvent } from "../operator-log";
import { throttleFor } from "./throttle-client";

type Throttle = ReturnType<typeof throttleFor>;

export type Admission =
  | { admitted: false; retryAfterSeconds: number }
  | {
      admitted: true;
      /** The code worked: the attempt no longer counts against anyone. */
      succeeded(): Promise<void>;
      /** The code did not work: the attempt stays counted. */
      failed(): Promise<void>;
    };

interface Held {
  throttle: Throttle;
  decision: ThrottleDecision;
}

function release(held: Held[]): Promise<unknown> {
  return Promise.all(held.map(({ throttle, decision }) => (decision.allowed ? throttle.forgive(decision.ticket) : undefined)));
}

function refused(held: Held[]): number {
  return Math.max(1, ...held.map(({ decision }) => (decision.allowed ? 0 : decision.retryAfterSeconds)));
}

function admitted(held: Held[], onFailure: () => Promise<unknown>): Admission {
  return {
    admitted: true,
    succeeded: async () => {
      await release(held);
    },
    failed: async () => {
      await onFailure();
    },
  };
}

/**
 * Decides whether one redemption attempt may test a code, in layers of exact counters:
 * the account (10 failures / 15 min), the client address (100 / hour) and everyone together
 * (the global budget). Each attempt is reserved as a failure before the code is looked at and
 * forgiven if it works, so concurrent guesses cannot overshoot a limit. While the global
 * budget is spent only known accounts (`isOldEnough` and no failure in 24 h) are admitted,
 * within `joinAddressLockdown` per address and `joinKnownGlobal` for all of them together, so
 * the guess rate has a bound whatever the attacker's number of addresses and old accounts
 * (docs/join-codes.md). A refused attempt counts nowhere: it tested nothing.
 */
export async function admitRedemption(
  env: Env,
  who: { userId: string; address: string },
  accountCreatedAt: () => Promise<number | null>,
): Promise<Admission> {
  const account = throttleFor(env, THROTTLES.joinPerAccount, who.userId);
  const address = throttleFor(env, THROTTLES.joinPerAddress, who.address);
  const global = throttleFor(env, THROTTLES.joinGlobal, "all");
  const accountDay = throttleFor(env, THROTTLES.joinAccountDay, who.userId);

  const [byAccount, byAddress, byEveryone] = await Promise.all([account.reserve(), address.reserve(), global.reserve()]);
  const held: Held[] = [
    { throttle: account, decision: byAccount },
    { throttle: address, decision: byAddress },
    { throttle: global, decision: byEveryone },
  ];
  if (!byAccount.allowed || !byAddress.allowed) {
    await release(held);
    return { admitted: false, retryAfterSeconds: refused(held) };
  }
  if (byEveryone.allowed) return admitted(held, () => accountDay.record());
  logOperatorEvent({ event: "global_throttle_spent", rule: "joinGlobal", retryAfterSeconds: byEveryone.retryAfterSeconds });

  const addressLockdown = throttleFor(env, THROTTLES.joinAddressLockdown, who.address);
  const knownGlobal = throttleFor(env, THROTTLES.joinKnownGlobal, "all");
  const [createdAt, dayDecision, lockdownDecision, knownDecision] = await Promise.all([
    accountCreatedAt(),
    accountDay.reserve(),
    addressLockdown.reserve(),
    knownGlobal.reserve(),
  ]);
  const trusted: Held[] = [
    { throttle: account, decision: byAccount },
    { throttle: address, decision: byAddress },
    { throttle: accountDay, decision: dayDecision },
    { throttle: addressLockdown, decision: lockdownDecision },
    { throttle: knownGlobal, decision: knownDecision },
  ];
  if (!isOldEnough(createdAt, clock.now()) || !dayDecision.allowed || !lockdownDecision.allowed || !knownDecision.allowed) {
    await release(trusted);
    return { admitted: false, retryAfterSeconds: refused([{ throttle: global, decision: byEveryone }]) };
  }
  // The failure of a known account still counts globally, so the budget stays spent.
  return admitted(trusted, () => global.record());
}
