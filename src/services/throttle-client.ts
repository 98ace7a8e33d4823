import { shardOf } from "../domain/shard";
import { timed } from "../request-timing";
import type { ThrottleDecision, ThrottleRule } from "../domain/throttle";

/**
 * Objects per throttle rule. Each holds many keys in its own SQLite storage, so a new account
 * or address costs rows rather than a new object; a key always hashes to the same one.
 */
export const THROTTLE_SHARDS = 32;

/** The object that holds `key` of `rule`: the only place its attempts are counted. */
export function throttleObject(env: Env, rule: ThrottleRule, key: string) {
  return env.THROTTLE.getByName(`${rule.name}#${shardOf(key, THROTTLE_SHARDS)}`);
}

/** The throttle of one rule and key, e.g. ("sign-in:account", "ada@example.com"). */
export function throttleFor(env: Env, rule: ThrottleRule, key: string) {
  const stub = throttleObject(env, rule, key);
  const limits = { limit: rule.limit, windowMs: rule.windowMs };
  return {
    reserve: (): Promise<ThrottleDecision> => timed<ThrottleDecision>("throttle", () => stub.reserve(key, limits)),
    record: (): Promise<number> => timed<number>("throttle", () => stub.record(key, limits)),
    forgive: (ticket: string): Promise<void> => timed<void>("throttle", () => stub.forgive(key, ticket)),
  };
}

/**
 * Objects a budget shared by everyone is split over (the global guessing budgets), each counting
 * an exact `limit / BUDGET_SHARDS`, so the sum never exceeds the limit and no one object sits on
 * every redemption's path.
 */
export const BUDGET_SHARDS = 10;

export type Throttle = ReturnType<typeof throttleFor>;

/**
 * A budget everyone shares, e.g. the global failure budget of join codes. An attempt reserves
 * on a random shard; only when that one is spent does it try the others in turn (which happens
 * only while the whole budget is nearly spent, i.e. under attack), so an attempt is refused
 * exactly when every shard refused it and the bound is the same as one counter's. The ticket
 * names its shard, so forgiving it needs no lookup.
 */
export function sharedBudget(env: Env, rule: ThrottleRule, random: () => number = Math.random) {
  if (rule.limit % BUDGET_SHARDS !== 0) throw new Error(`${rule.name}: the limit must split evenly over ${BUDGET_SHARDS} shards`);
  // A stub only for the shards an attempt touches: usually one.
  const made = new Map<number, Throttle>();
  const shard = (i: number): Throttle => {
    let throttle = made.get(i);
    if (!throttle) {
      throttle = throttleFor(env, { name: `${rule.name}#${i}`, limit: rule.limit / BUDGET_SHARDS, windowMs: rule.windowMs }, "all");
      made.set(i, throttle);
    }
    return throttle;
  };
  const pick = () => Math.floor(random() * BUDGET_SHARDS);
  return {
    /** Each shard, for tests that spend the whole budget directly. */
    get shards() {
      return Array.from({ length: BUDGET_SHARDS }, (_, i) => shard(i));
    },
    async reserve(): Promise<ThrottleDecision> {
      const first = pick();
      let retryAfterSeconds = Infinity;
      for (let step = 0; step < BUDGET_SHARDS; step += 1) {
        const i = (first + step) % BUDGET_SHARDS;
        const decision = await shard(i).reserve();
        if (decision.allowed) return { allowed: true, ticket: `${i}:${decision.ticket}` };
        // The budget frees when its first shard does.
        retryAfterSeconds = Math.min(retryAfterSeconds, decision.retryAfterSeconds);
      }
      return { allowed: false, retryAfterSeconds };
    },
    /** Counts a failure where it fits (a shard with room), so it keeps the whole budget spent. */
    async record(): Promise<void> {
      if (!(await this.reserve()).allowed) await shard(pick()).record();
    },
    forgive: (ticket: string): Promise<void> => {
      const [i, own] = ticket.split(/:(.*)/s);
      return shard(Number(i)).forgive(own ?? "");
    },
  };
}
