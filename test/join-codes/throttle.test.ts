import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { clock } from "../../src/clock";
import { THROTTLES, type ThrottleRule } from "../../src/domain/throttle";
import { throttleObject } from "../../src/services/throttle-client";
import { api } from "../support/client";
import { signUp } from "../support/factories";
import { orgWith } from "../support/org-factories";
import { codeRow, freshAddress, makeCode, redeem } from "./helpers";
import { restoreClockAfterEach } from "../support/clock";

// Each test signs people up through the real API; on a busy shared machine that takes a while.
vi.setConfig({ testTimeout: 60_000 });

restoreClockAfterEach();

/** Distinct made-up codes; none is live in this file's orgs with any real chance (10 live codes in 10^8). */
let guesses = 0;
function madeUp(): string {
  guesses += 1;
  return `9${String(guesses).padStart(7, "0")}`;
}

/** How many attempts a throttle key holds now (live or not), read from its object's own storage. */
async function attemptsHeld(rule: ThrottleRule, key: string): Promise<number> {
  const { runInDurableObject } = await import("cloudflare:test");
  return runInDurableObject(
    throttleObject(env, rule, key),
    (_instance, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM attempt WHERE key = ?", key).one().n,
  );
}

describe("POST /api/join throttling", () => {
  it("refuses the 11th failure of one account with 429 and Retry-After, a valid code too, until the window passes", async () => {
    const org = await orgWith();
    const code = await makeCode(org.owner.cookie, org.id);
    const guesser = await signUp();
    const address = freshAddress();

    for (let i = 0; i < 10; i += 1) expect((await redeem(guesser.cookie, madeUp(), address)).status).toBe(404);
    const eleventh = await redeem(guesser.cookie, madeUp(), address);
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.error.code).toBe("rate_limited");
    const retryAfter = Number(eleventh.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    // The answer must tell nothing: a valid code gets the same 429 and is not used.
    const withValid = await redeem(guesser.cookie, code.code, address);
    expect(withValid.status).toBe(429);
    expect(await codeRow(code.id)).toMatchObject({ redeemed_at: null });

    const start = Date.now();
    clock.now = () => start + retryAfter * 1000 + 1000;
    expect((await redeem(guesser.cookie, code.code, address)).status).toBe(200);
  });

  it("counts concurrent failures of one account exactly: 10 answered, 10 refused", async () => {
    const guesser = await signUp();
    const address = freshAddress();
    const answers = await Promise.all(Array.from({ length: 20 }, () => redeem(guesser.cookie, madeUp(), address)));
    expect(answers.filter((a) => a.status === 404)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(10);
  });

  it("lets other accounts from the same address keep going until the address has 100 failures", async () => {
    const org = await orgWith();
    const code = await makeCode(org.owner.cookie, org.id);
    const address = freshAddress();
    const accounts = await Promise.all(Array.from({ length: 11 }, () => signUp()));

    for (const account of accounts.slice(0, 10)) {
      for (let i = 0; i < 10; i += 1) expect((await redeem(account.cookie, madeUp(), address)).status).toBe(404);
      // This account is spent; the next one from the same address still gets real answers.
      expect((await redeem(account.cookie, madeUp(), address)).status).toBe(429);
    }
    const fresh = accounts[10]!;
    const refused = await redeem(fresh.cookie, code.code, address);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(15 * 60);
    expect(retryAfter).toBeLessThanOrEqual(60 * 60);
    expect(await codeRow(code.id)).toMatchObject({ redeemed_at: null });

    // The same account from another address is answered.
    expect((await redeem(fresh.cookie, code.code, freshAddress())).status).toBe(200);
  });

  it("does not count a successful redemption against the account or the address", async () => {
    const org = await orgWith();
    const code = await makeCode(org.owner.cookie, org.id);
    const joiner = await signUp();
    const address = freshAddress();
    for (let i = 0; i < 9; i += 1) expect((await redeem(joiner.cookie, madeUp(), address)).status).toBe(404);

    expect((await redeem(joiner.cookie, code.code, address)).status).toBe(200);
    await vi.waitFor(async () => expect(await attemptsHeld(THROTTLES.joinPerAccount, joiner.id)).toBe(9));
    await vi.waitFor(async () => expect(await attemptsHeld(THROTTLES.joinPerAddress, address)).toBe(9));

    // Out of the org again: one more failure is the 10th, still answered; the 11th is not.
    expect((await api(`/api/orgs/${org.id}/leave`, { method: "POST", as: joiner.cookie })).status).toBe(200);
    expect((await redeem(joiner.cookie, madeUp(), address)).status).toBe(404);
    expect((await redeem(joiner.cookie, madeUp(), address)).status).toBe(429);
  });

  it("does not count a malformed code or a member's attempt", async () => {
    const org = await orgWith({ users: 1 });
    const member = org.users[0]!;
    const stranger = await signUp();
    const address = freshAddress();
    for (let i = 0; i < 12; i += 1) {
      expect((await redeem(stranger.cookie, "1e7", address)).status).toBe(400);
      expect((await redeem(member.cookie, madeUp(), address)).status).toBe(409);
    }
    expect(await attemptsHeld(THROTTLES.joinPerAccount, stranger.id)).toBe(0);
    expect(await attemptsHeld(THROTTLES.joinPerAddress, address)).toBe(0);
  });
});
