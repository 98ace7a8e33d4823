import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { clock } from "../../src/clock";
import { shardOf } from "../../src/domain/shard";
import { THROTTLE_SHARDS, throttleFor, throttleObject } from "../../src/services/throttle-client";
import { restoreClockAfterEach } from "../support/clock";

const rule = { name: "test:shard", limit: 3, windowMs: 60_000 };

restoreClockAfterEach();

/** Two distinct keys that hash to the same shard, with a prefix so each test has its own. */
function sameShardPair(prefix: string): [string, string] {
  const first = `${prefix}-0`;
  for (let i = 1; ; i += 1) {
    const other = `${prefix}-${i}`;
    if (shardOf(other, THROTTLE_SHARDS) === shardOf(first, THROTTLE_SHARDS)) return [first, other];
  }
}

function rowsOf(key: string): Promise<number> {
  return runInDurableObject(
    throttleObject(env, rule, key),
    (_instance, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM attempt WHERE key = ?", key).one().n,
  );
}

describe("shardOf", () => {
  it("puts a key in the same shard every time, within range", () => {
    for (const key of ["all", "ada@example.com", "203.0.113.9", ""]) {
      const shard = shardOf(key, THROTTLE_SHARDS);
      expect(shard).toBe(shardOf(key, THROTTLE_SHARDS));
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(THROTTLE_SHARDS);
    }
  });

  it("spreads keys over every shard", () => {
    const used = new Set(Array.from({ length: 2_000 }, (_, i) => shardOf(`user-${i}`, THROTTLE_SHARDS)));
    expect(used.size).toBe(THROTTLE_SHARDS);
  });
});

describe("ThrottleObject", () => {
  it("keeps two keys of one shard independent", async () => {
    const [a, b] = sameShardPair("independent");
    expect(throttleObject(env, rule, a).id.equals(throttleObject(env, rule, b).id)).toBe(true);
    const first = throttleFor(env, rule, a);
    const second = throttleFor(env, rule, b);

    const tickets = [];
    for (let i = 0; i < rule.limit; i += 1) {
      const decision = await first.reserve();
      expect(decision.allowed).toBe(true);
      if (decision.allowed) tickets.push(decision.ticket);
    }
    expect((await first.reserve()).allowed).toBe(false);
    // A refused reservation counts nothing: the key's log still holds exactly the limit.
    expect(await rowsOf(a)).toBe(rule.limit);

    // The other key of the same object has its own log.
    expect(await rowsOf(b)).toBe(0);
    expect((await second.reserve()).allowed).toBe(true);
    expect(await second.record()).toBe(2);

    // A ticket forgives only its own key's attempt, and not twice.
    await second.forgive(tickets[0] as string);
    expect((await first.reserve()).allowed).toBe(false);
    await first.forgive(tickets[0] as string);
    await first.forgive(tickets[0] as string);
    expect((await first.reserve()).allowed).toBe(true);
    expect((await first.reserve()).allowed).toBe(false);
    expect(await rowsOf(a)).toBe(rule.limit);
    expect(await rowsOf(b)).toBe(2);
  });

  it("counts concurrent reservations of one key exactly while another key of the shard is busy", async () => {
    const [a, b] = sameShardPair("concurrent");
    const first = throttleFor(env, rule, a);
    const second = throttleFor(env, rule, b);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? first : second).reserve()));
    expect(answers.filter((answer, i) => i % 2 === 0 && answer.allowed)).toHaveLength(rule.limit);
    expect(answers.filter((answer, i) => i % 2 === 1 && answer.allowed)).toHaveLength(rule.limit);
  });

  it("keeps at most `limit` recorded failures per key and drops a key's expired ones", async () => {
    const [a, b] = sameShardPair("bounded");
    const start = Date.now();
    clock.now = () => start;
    const first = throttleFor(env, rule, a);
    const second = throttleFor(env, rule, b);
    for (let i = 1; i <= rule.limit * 3; i += 1) expect(await first.record()).toBe(Math.min(i, rule.limit + 1));
    expect(await rowsOf(a)).toBe(rule.limit);
    expect(await second.record()).toBe(1);

    clock.now = () => start + rule.windowMs + 1;
    // Past the window the key is free again (a reservation is allowed) and its expired rows are gone.
    const fresh = await first.reserve();
    expect(fresh.allowed).toBe(true);
    if (fresh.allowed) await first.forgive(fresh.ticket);
    expect(await rowsOf(a)).toBe(0);
    // The other key's expired row goes on its next touch, if a sweep has not taken it already.
    expect(await second.record()).toBe(1);
    expect(await rowsOf(b)).toBe(1);
  });
});
