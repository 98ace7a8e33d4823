import { clock } from "../clock";
import type { Config } from "../config";
import { isOldEnough } from "../domain/known-account";
import { THROTTLES, type ThrottleDecision } from "../domain/throttle";
import { logOperatorEvent } from "../operator-log";
import { verifyTurnstile } from "./turnstile";
import { sharedBudget, throttleFor, type Throttle } from "./throttle-client";

/** The human check a refused attempt may pass instead (Turnstile's public site key). */
export type Challenge = { siteKey: string } | null;

export type Admission =
  | {
      admitted: false;
      retryAfterSeconds: number;
      /** Set while the global budget is spent: a solved human check would admit the attempt. */
      challenge: Challenge;
    }
  | {
      admitted: true;
      /** The code worked: the attempt no longer counts against anyone. */
      succeeded(): Promise<void>;
      /** The code did not work: the attempt stays counted. */
      failed(): Promise<void>;
    };

interface Held {
  throttle: Pick<Throttle, "forgive">;
  decision: ThrottleDecision;
}

function release(held: Held[]): Promise<unknown> {
  return Promise.all(held.map(({ throttle, decision }) => (decision.allowed ? throttle.forgive(decision.ticket) : undefined)));
}

function refused(held: Held[]): number {
  return Math.max(1, ...held.map(({ decision }) => (decision.allowed ? 0 : decision.retryAfterSeconds)));
}

function refusal(retryAfterSeconds: number, challenge: Challenge = null): Admission {
  return { admitted: false, retryAfterSeconds, challenge };
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
 * budget is spent, a known account (`isOldEnough` and no failure in 24 h) is admitted within
 * `joinKnownGlobal` for all of them together; any other account only with a solved human check
 * (Turnstile, verified for this attempt), and either kind within `joinAddressLockdown` per
 * address. So the answered guesses have a bound, and each one past it costs the attacker a
 * solved challenge and an address's daily allowance, while newcomers still get in
 * (docs/join-codes.md). A refused attempt counts nowhere: it tested nothing.
 */
export async function admitRedemption(
  env: Env,
  config: Config,
  who: { userId: string; address: string; turnstileToken?: string | undefined },
  accountCreatedAt: () => Promise<number | null>,
): Promise<Admission> {
  const account = throttleFor(env, THROTTLES.joinPerAccount, who.userId);
  const global = sharedBudget(env, THROTTLES.joinGlobal);
  const accountDay = throttleFor(env, THROTTLES.joinAccountDay, who.userId);

  // The address's limit lives beside a share of the global budget: one call reserves both.
  const [byAccount, [byAddress, byEveryone]] = await Promise.all([
    account.reserve(),
    global.reserveBeside(THROTTLES.joinPerAddress, who.address),
  ]);
  const globalTicket = byEveryone.allowed ? byEveryone.ticket : undefined;
  // The address's forgive also forgives the global share; the global entry then forgives nothing
  // itself. Every release below that holds an admitted global share holds the address with it.
  const address = {
    forgive: (ticket: string) => global.forgiveBeside(THROTTLES.joinPerAddress, who.address, ticket, globalTicket),
  };
  const globalShare = {
    forgive: (ticket: string) => (byAddress.allowed ? Promise.resolve() : global.forgive(ticket)),
  };
  const personal: Held[] = [
    { throttle: account, decision: byAccount },
    { throttle: address, decision: byAddress },
  ];
  if (!byAccount.allowed || !byAddress.allowed) {
    const all = [...personal, { throttle: globalShare, decision: byEveryone }];
    await release(all);
    return refusal(refused(all));
  }
  if (byEveryone.allowed) return admitted([...personal, { throttle: globalShare, decision: byEveryone }], () => accountDay.record());
  logOperatorEvent({ event: "global_throttle_spent", rule: "joinGlobal", retryAfterSeconds: byEveryone.retryAfterSeconds });
  const budgetFrees = refused([{ throttle: global, decision: byEveryone }]);

  const addressLockdown = throttleFor(env, THROTTLES.joinAddressLockdown, who.address);
  const knownGlobal = sharedBudget(env, THROTTLES.joinKnownGlobal);
  const [createdAt, dayDecision, lockdownDecision, knownDecision] = await Promise.all([
    accountCreatedAt(),
    accountDay.reserve(),
    addressLockdown.reserve(),
    knownGlobal.reserve(),
  ]);
  const lockdown: Held = { throttle: addressLockdown, decision: lockdownDecision };
  const asKnown: Held[] = [
    { throttle: accountDay, decision: dayDecision },
    { throttle: knownGlobal, decision: knownDecision },
  ];
  // The failure of an admitted attempt still counts globally, so the budget stays spent.
  const countGlobally = () => global.record();
  if (isOldEnough(createdAt, clock.now()) && dayDecision.allowed && lockdownDecision.allowed && knownDecision.allowed) {
    return admitted([...personal, lockdown, ...asKnown], countGlobally);
  }
  await release(asKnown);

  const challenge = config.turnstile;
  if (
    challenge &&
    lockdownDecision.allowed &&
    who.turnstileToken &&
    (await verifyTurnstile(challenge.secret, who.turnstileToken, who.address))
  ) {
    return admitted([...personal, lockdown], countGlobally);
  }
  await release([...personal, lockdown]);
  return refusal(budgetFrees, challenge && lockdownDecision.allowed ? { siteKey: challenge.siteKey } : null);
}
