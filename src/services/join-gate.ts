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

/** Attempts reserved together, and how to forgive those of them that were admitted. */
interface Held {
  decisions: ThrottleDecision[];
  forgive(): Promise<unknown>;
}

const ticketOf = (decision: ThrottleDecision) => (decision.allowed ? decision.ticket : undefined);

function held(throttle: Pick<Throttle, "forgive">, decision: ThrottleDecision): Held {
  return { decisions: [decision], forgive: async () => (decision.allowed ? throttle.forgive(decision.ticket) : undefined) };
}

function release(reserved: Held[]): Promise<unknown> {
  return Promise.all(reserved.map((entry) => entry.forgive()));
}

function refused(reserved: Held[]): number {
  return Math.max(1, ...reserved.flatMap(({ decisions }) => decisions.map((d) => (d.allowed ? 0 : d.retryAfterSeconds))));
}

function refusal(retryAfterSeconds: number, challenge: Challenge = null): Admission {
  return { admitted: false, retryAfterSeconds, challenge };
}

function admitted(reserved: Held[], onFailure: () => Promise<unknown>): Admission {
  return {
    admitted: true,
    succeeded: async () => {
      await release(reserved);
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

  // The address's limit lives beside a share of the global budget: one call reserves both, one forgives both.
  const [byAccount, [byAddress, byEveryone]] = await Promise.all([
    account.reserve(),
    global.reserveBeside(THROTTLES.joinPerAddress, who.address),
  ]);
  const addressAndGlobal: Held = {
    decisions: [byAddress, byEveryone],
    forgive: () => global.forgiveBeside(THROTTLES.joinPerAddress, who.address, ticketOf(byAddress), ticketOf(byEveryone)),
  };
  const reserved = [held(account, byAccount), addressAndGlobal];
  if (!byAccount.allowed || !byAddress.allowed) {
    await release(reserved);
    return refusal(refused(reserved));
  }
  if (byEveryone.allowed) return admitted(reserved, () => accountDay.record());
  logOperatorEvent({ event: "global_throttle_spent", rule: "joinGlobal", retryAfterSeconds: byEveryone.retryAfterSeconds });
  const budgetFrees = refused([held(global, byEveryone)]);

  const addressLockdown = throttleFor(env, THROTTLES.joinAddressLockdown, who.address);
  const knownGlobal = sharedBudget(env, THROTTLES.joinKnownGlobal);
  const [createdAt, dayDecision, lockdownDecision, knownDecision] = await Promise.all([
    accountCreatedAt(),
    accountDay.reserve(),
    addressLockdown.reserve(),
    knownGlobal.reserve(),
  ]);
  const lockdown = held(addressLockdown, lockdownDecision);
  const asKnown = [held(accountDay, dayDecision), held(knownGlobal, knownDecision)];
  // The failure of an admitted attempt still counts globally, so the budget stays spent.
  const countGlobally = () => global.record();
  if (isOldEnough(createdAt, clock.now()) && dayDecision.allowed && lockdownDecision.allowed && knownDecision.allowed) {
    // The global share was refused: the address's entry forgives the address alone.
    return admitted([...reserved, lockdown, ...asKnown], countGlobally);
  }
  await release(asKnown);

  const challenge = config.turnstile;
  if (
    challenge &&
    lockdownDecision.allowed &&
    who.turnstileToken &&
    (await verifyTurnstile(challenge.secret, who.turnstileToken, who.address))
  ) {
    return admitted([...reserved, lockdown], countGlobally);
  }
  await release([...reserved, lockdown]);
  return refusal(budgetFrees, challenge && lockdownDecision.allowed ? { siteKey: challenge.siteKey } : null);
}
