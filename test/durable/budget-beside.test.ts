import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { THROTTLES, type ThrottleDecision } from "../../src/domain/throttle";
import { BUDGET_SHARDS, sharedBudget, throttleObject } from "../../src/services/throttle-client";

/*
 * The join address limit lives in the shard objects of the global join budget, so one call
 * reserves an address's attempt and a share of the budget. Both bounds must stay exact: the
 * address's 100 an hour, everyone's 300 an hour, however the addresses fall over the shards.
 */

const address = (i: number) => `198.51.${Math.floor(i / 250)}.${i % 250}`;
const allowed = (decisions: ThrottleDecision[]) => decisions.filter((decision) => decision.allowed).length;
const beside = (key: string) => sharedBudget(env, THROTTLES.joinGlobal).reserveBeside(THROTTLES.joinPerAddress, key);

async function rowsIn(key: string, stored: string): Promise<number> {
  return runInDurableObject(
    throttleObject(env, THROTTLES.joinPerAddress, key),
    (_instance, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM attempt WHERE key = ?", stored).one().n,
  );
}

// One file per budget state: the budget is shared by everything in this file's storage.
describe("an address limit kept beside the global budget", () => {
  it("admits exactly the global budget over many addresses at once, each address within its own limit", async () => {
    const attempts = Array.from({ length: 360 }, (_, i) => address(i % 60));
    const decisions = await Promise.all(attempts.map((key) => beside(key)));
    // Six attempts an address: far under its 100, so every address decision is allowed.
    expect(allowed(decisions.map(([own]) => own))).toBe(360);
    expect(allowed(decisions.map(([, budget]) => budget))).toBe(THROTTLES.joinGlobal.limit);
    const shards = new Set(decisions.flatMap(([, budget]) => (budget.allowed ? [budget.ticket.split(":")[0]] : [])));
    expect(shards.size).toBe(BUDGET_SHARDS);

    // Forgiven together, in one call per address: the address's rows and the budget's share are free again.
    const budget = sharedBudget(env, THROTTLES.joinGlobal);
    await Promise.all(
      decisions.map(([own, share], i) =>
        budget.forgiveBeside(
          THROTTLES.joinPerAddress,
          attempts[i]!,
          own.allowed ? own.ticket : undefined,
          share.allowed ? share.ticket : undefined,
        ),
      ),
    );
    expect(await rowsIn(address(0), address(0))).toBe(0);
    expect(allowed(await Promise.all(Array.from({ length: 10 }, (_, i) => budget.reserve(i, 1))))).toBe(BUDGET_SHARDS);
  });

  it("refuses an address's 101st attempt in the window, and a rule that does not live beside the budget", async () => {
    const key = "203.0.113.77";
    const decisions = await Promise.all(Array.from({ length: 101 }, () => beside(key)));
    expect(allowed(decisions.map(([own]) => own))).toBe(THROTTLES.joinPerAddress.limit);
    expect(await rowsIn(key, key)).toBe(THROTTLES.joinPerAddress.limit);
    await expect(sharedBudget(env, THROTTLES.joinGlobal).reserveBeside(THROTTLES.joinPerAccount, key)).rejects.toThrow(
      /does not live beside/,
    );
  });
});
