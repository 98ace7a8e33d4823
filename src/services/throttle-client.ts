import { shardOf } from "../domain/shard";
import { timed } from "../request-timing";
import { THROTTLES, type ThrottleDecision, type ThrottleRule } from "../domain/throttle";

/**
 * Objects per throttle rule. Each holds many keys in its own SQLite storage, so a new account
 * or address costs rows rather than a new object; a key always hashes to the same one.
 */
export const THROTTLE_SHARDS = 32;

/**
 * Rules whose keys live in the shard objects of a shared budget, by the key's hash over the
 * budget's shards: a key and that shard's share of the budget are then reserved in one call
 * and forgiven in one (`sharedBudget(...).reserveBeside`). A redemption's address limit and its
 * share of the global budget cost one object call, not two. The windows are equal, so one
 * object's sweep of expired attempts suits both.
 */
const HOSTED_BY = new Map<string, ThrottleRule>(
  ([[THROTTLES.joinPerAddress, THROTTLES.joinGlobal]] as const).map(([hosted, budget]) => {
    if (hosted.windowMs !== budget.windowMs)
      throw new Error(`${hosted.name} must have the window of ${budget.name}, the budget it lives beside`);
    return [hosted.name, budget];
  }),
);

/** The one key each budget shard counts its share under. */
const BUDGET_KEY = "all";

const limitsOf = (rule: ThrottleRule) => ({ limit: rule.limit, windowMs: rule.windowMs });

/** The object that holds `key` of `rule`: the only place its attempts are counted. */
export function throttleObject(env: Env, rule: ThrottleRule, key: string) {
  const budget = HOSTED_BY.get(rule.name);
  if (budget) return budgetObject(env, budget, shardOf(key, BUDGET_SHARDS));
  return env.THROTTLE.getByName(`${rule.name}#${shardOf(key, THROTTLE_SHARDS)}`);
}

/** Shard `i` of a shared budget (its share is the key "all" of the rule `name#i`). */
function budgetObject(env: Env, budget: ThrottleRule, i: number) {
  return env.THROTTLE.getByName(`${budget.name}#${i}#${shardOf(BUDGET_KEY, THROTTLE_SHARDS)}`);
}

/** A key as its object stores it: a hosted rule's key that would be the budget's own is renamed. */
function storedKey(rule: ThrottleRule, key: string): string {
  return HOSTED_BY.has(rule.name) && key === BUDGET_KEY ? `${rule.name}|${key}` : key;
}

/** The throttle of one rule and key, e.g. ("sign-in:account", "ada@example.com"). */
export function throttleFor(env: Env, rule: ThrottleRule, key: string) {
  const stub = throttleObject(env, rule, key);
  const limits = limitsOf(rule);
  const stored = storedKey(rule, key);
  return {
    reserve: (): Promise<ThrottleDecision> => timed<ThrottleDecision>("throttle", () => stub.reserve(stored, limits)),
    record: (): Promise<number> => timed<number>("throttle", () => stub.record(stored, limits)),
    forgive: (ticket: string): Promise<void> => timed<void>("throttle", () => stub.forgive(stored, ticket)),
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
 * on a random shard (or, with `reserveBeside`, the shard its key hashes to); only when that one is spent does it try the others in turn (which happens
 * only while the whole budget is nearly spent, i.e. under attack), so an attempt is refused
 * exactly when every shard refused it and the bound is the same as one counter's. The ticket
 * names its shard, so forgiving it needs no lookup.
 */
export function sharedBudget(env: Env, rule: ThrottleRule, random: () => number = Math.random) {
  if (rule.limit % BUDGET_SHARDS !== 0) throw new Error(`${rule.name}: the limit must split evenly over ${BUDGET_SHARDS} shards`);
  // A stub only for the shards an attempt touches: usually one.
  const made = new Map<number, Throttle>();
  const share = { limit: rule.limit / BUDGET_SHARDS, windowMs: rule.windowMs };
  const shard = (i: number): Throttle => {
    let throttle = made.get(i);
    if (!throttle) {
      throttle = throttleFor(env, { name: `${rule.name}#${i}`, ...share }, BUDGET_KEY);
      made.set(i, throttle);
    }
    return throttle;
  };
  const pick = () => Math.floor(random() * BUDGET_SHARDS);
  const homeOf = (hosted: ThrottleRule, key: string) => {
    if (HOSTED_BY.get(hosted.name) !== rule) throw new Error(`${hosted.name} does not live beside ${rule.name}`);
    return shardOf(key, BUDGET_SHARDS);
  };
  return {
    /** Each shard, for tests that spend the whole budget directly. */
    get shards() {
      return Array.from({ length: BUDGET_SHARDS }, (_, i) => shard(i));
    },
    /** A share of the budget: from shard `first` (a random one unless given) on, in turn, over `count` shards. */
    async reserve(first = pick(), count = BUDGET_SHARDS): Promise<ThrottleDecision> {
      let retryAfterSeconds = Infinity;
      for (let step = 0; step < count; step += 1) {
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
    /**
     * `key` of a rule that lives beside this budget, and a share of the budget, in one call to the
     * key's shard, whose share is tried first: the others only when it is spent. Each decision is
     * the one its own reserve would have made.
     */
    async reserveBeside(hosted: ThrottleRule, key: string): Promise<[own: ThrottleDecision, budget: ThrottleDecision]> {
      const home = homeOf(hosted, key);
      const [own, budget] = await timed("throttle", () =>
        budgetObject(env, rule, home).reserveMany([
          { key: storedKey(hosted, key), rule: limitsOf(hosted) },
          { key: BUDGET_KEY, rule: share },
        ]),
      );
      if (!own || !budget) throw new Error("reserveMany answered short");
      if (budget.allowed) return [own, { allowed: true, ticket: `${home}:${budget.ticket}` }];
      const elsewhere = await this.reserve((home + 1) % BUDGET_SHARDS, BUDGET_SHARDS - 1);
      return [own, elsewhere.allowed || budget.retryAfterSeconds > elsewhere.retryAfterSeconds ? elsewhere : budget];
    },
    /** Forgives what reserveBeside admitted (either ticket may be absent): one call when both are on the key's shard. */
    async forgiveBeside(hosted: ThrottleRule, key: string, own: string | undefined, budget: string | undefined): Promise<void> {
      const home = homeOf(hosted, key);
      const [i, shareTicket = ""] = budget?.split(/:(.*)/s) ?? [];
      const together = budget !== undefined && Number(i) === home;
      const entries = [
        ...(own === undefined ? [] : [{ key: storedKey(hosted, key), ticket: own }]),
        ...(together ? [{ key: BUDGET_KEY, ticket: shareTicket }] : []),
      ];
      await Promise.all([
        entries.length > 0 ? timed("throttle", () => budgetObject(env, rule, home).forgiveMany(entries)) : undefined,
        budget !== undefined && !together ? this.forgive(budget) : undefined,
      ]);
    },
  };
}
