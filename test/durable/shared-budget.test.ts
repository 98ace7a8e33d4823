import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BUDGET_SHARDS, sharedBudget } from "../../src/services/throttle-client";

const rule = (name: string, limit = 30) => ({ name: `test-budget:${name}`, limit, windowMs: 3600_000 });

/** A seeded generator, so a spread is checked on the same draws every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe("a budget shared by everyone, split over objects", () => {
  it("admits exactly its limit of concurrent attempts in all, however they fall over the shards", async () => {
    const budget = sharedBudget(env, rule("exact"));
    const decisions = await Promise.all(Array.from({ length: 45 }, () => budget.reserve()));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(30);
    const refused = decisions.filter((d) => !d.allowed);
    expect(refused).toHaveLength(15);
    for (const decision of refused) expect(decision).toMatchObject({ retryAfterSeconds: expect.any(Number) });
  });

  it("spreads attempts over every shard, so no one object is on every request's path", async () => {
    const budget = sharedBudget(env, rule("spread", 1000), seeded(7));
    const decisions = await Promise.all(Array.from({ length: 200 }, () => budget.reserve()));
    const perShard = new Map<string, number>();
    for (const decision of decisions) {
      if (!decision.allowed) throw new Error("refused under the limit");
      const shard = decision.ticket.split(":")[0]!;
      perShard.set(shard, (perShard.get(shard) ?? 0) + 1);
    }
    expect(perShard.size).toBe(BUDGET_SHARDS);
    // 200 over 10 shards: none takes more than a small multiple of its fair share.
    expect(Math.max(...perShard.values())).toBeLessThan(50);
  });

  it("forgives on the shard that reserved, which frees that attempt for someone else", async () => {
    const budget = sharedBudget(env, rule("forgive", 10));
    const decisions = await Promise.all(Array.from({ length: 10 }, () => budget.reserve()));
    expect(decisions.every((d) => d.allowed)).toBe(true);
    expect((await budget.reserve()).allowed).toBe(false);
    const first = decisions[0]!;
    if (!first.allowed) throw new Error("unreachable");
    await budget.forgive(first.ticket);
    expect((await budget.reserve()).allowed).toBe(true);
    expect((await budget.reserve()).allowed).toBe(false);
  });

  it("counts failures recorded without a reservation against the whole budget", async () => {
    const budget = sharedBudget(env, rule("record", 20), seeded(3));
    for (let n = 0; n < 15; n += 1) await budget.record();
    const decisions = await Promise.all(Array.from({ length: 10 }, () => budget.reserve()));
    // Each record lands on a shard with room: exactly the 5 left are admitted.
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
  });

  it("refuses a limit that does not split evenly", () => {
    expect(() => sharedBudget(env, rule("uneven", 25))).toThrow(/split evenly/);
  });
});
