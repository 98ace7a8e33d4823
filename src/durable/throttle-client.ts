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
    check: () => timed("throttle", () => stub.check(key, limits)),
    record: (): Promise<number> => timed<number>("throttle", () => stub.record(key, limits)),
    forgive: (ticket: string): Promise<void> => timed<void>("throttle", () => stub.forgive(key, ticket)),
  };
}
