import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { clock } from "../../src/clock";
import { THROTTLES } from "../../src/domain/throttle";
import { signUp, type TestUser } from "../support/factories";
import { orgWith } from "../support/org-factories";
import { backdateAccount, codeRow, freshAddress, makeCodes, redeem, spendBudget } from "./helpers";

// Each test signs people up through the real API; on a busy shared machine that takes a while.
vi.setConfig({ testTimeout: 60_000 });

const realNow = clock.now;
afterEach(() => {
  clock.now = realNow;
  vi.restoreAllMocks();
});

const DAY = 24 * 3600_000;

let guesses = 0;
function madeUp(): string {
  guesses += 1;
  return `8${String(guesses).padStart(7, "0")}`;
}

async function knownAccount(): Promise<TestUser> {
  const user = await signUp();
  await backdateAccount(user.id, 2 * DAY);
  return user;
}

// Its own file: the global budget is one counter for everyone, and storage is per file.
describe("POST /api/join global failure budget", () => {
  it("refuses every attempt of unknown accounts once spent, while known accounts keep redeeming", async () => {
    const warn = vi.spyOn(console, "warn");
    const points = vi.spyOn(env.OPERATOR_EVENTS, "writeDataPoint");
    const org = await orgWith();
    const codes = await makeCodes(org.owner.cookie, org.id, { count: 6 });
    const budget = THROTTLES.joinGlobal.limit;

    // A day-old account that failed once recently is not "known" any more.
    const recentlyFailed = await knownAccount();
    expect((await redeem(recentlyFailed.cookie, madeUp())).status).toBe(404);

    // Many accounts, four addresses, each account up to its own limit: together past the budget.
    const addresses = Array.from({ length: 4 }, () => freshAddress());
    const guessers = await Promise.all(Array.from({ length: Math.ceil(budget / 10) }, () => signUp()));
    const statuses = (
      await Promise.all(
        guessers.map(async (guesser, i) => {
          const seen: number[] = [];
          for (let n = 0; n < 10; n += 1) seen.push((await redeem(guesser.cookie, madeUp(), addresses[i % addresses.length])).status);
          return seen;
        }),
      )
    ).flat();
    // Exactly the budget was answered (one failure was spent above); the rest refused.
    expect(statuses.filter((s) => s === 404)).toHaveLength(budget - 1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(statuses.length - (budget - 1));
    // Operators are told, with a distinct event (and no code in it).
    const spent = warn.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('"global_throttle_spent"'));
    expect(spent.length).toBeGreaterThan(0);
    expect(JSON.parse(spent[0]!)).toMatchObject({ event: "global_throttle_spent", rule: "joinGlobal" });
    // And an Analytics Engine data point each, to alert on by count.
    const spentPoints = points.mock.calls.filter(([point]) => point?.indexes?.[0] === "global_throttle_spent");
    expect(spentPoints).toHaveLength(spent.length);
    expect(spentPoints[0]![0]).toMatchObject({ blobs: ["global_throttle_spent", "joinGlobal"], doubles: [1, expect.any(Number)] });

    // A brand-new account is refused outright, with a valid code too, which stays usable.
    const newcomer = await signUp();
    const refused = await redeem(newcomer.cookie, codes[0]!.code, freshAddress());
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(await codeRow(codes[0]!.id)).toMatchObject({ redeemed_at: null });

    // So is a day-old account with a failure in the last 24 hours.
    expect((await redeem(recentlyFailed.cookie, codes[0]!.code, freshAddress())).status).toBe(429);

    // A known account redeems as ever.
    const known = await knownAccount();
    expect((await redeem(known.cookie, codes[0]!.code, freshAddress())).status).toBe(200);

    // A known account's failure is answered once, and then it is no longer known.
    const slip = await knownAccount();
    expect((await redeem(slip.cookie, madeUp(), freshAddress())).status).toBe(404);
    expect((await redeem(slip.cookie, codes[1]!.code, freshAddress())).status).toBe(429);

    // Once every failure above is an hour old, newcomers are answered again.
    const start = Date.now();
    clock.now = () => start + 3600_000 + 1000;
    expect((await redeem(newcomer.cookie, codes[1]!.code, freshAddress())).status).toBe(200);
  }, 120_000);

  it("answers at most 10 failures of known accounts per address per day while the budget is spent", async () => {
    const org = await orgWith();
    const [code] = await makeCodes(org.owner.cookie, org.id);
    // The first test shows the budget being spent through the API; here it is spent directly.
    await spendBudget(THROTTLES.joinGlobal);
    expect((await redeem((await signUp()).cookie, madeUp(), freshAddress())).status).toBe(429);

    const shared = freshAddress();
    const known = await Promise.all(Array.from({ length: THROTTLES.joinAddressLockdown.limit + 1 }, () => knownAccount()));
    const answers: number[] = [];
    for (const account of known) answers.push((await redeem(account.cookie, madeUp(), shared)).status);
    expect(answers).toEqual([...new Array(THROTTLES.joinAddressLockdown.limit).fill(404), 429]);

    // The address is spent for known accounts too, valid code or not; elsewhere they are answered.
    const another = await knownAccount();
    expect((await redeem(another.cookie, code!.code, shared)).status).toBe(429);
    expect((await redeem(another.cookie, code!.code, freshAddress())).status).toBe(200);
  }, 120_000);

  it("refuses known accounts too, valid code or not, once all of them together have 50 failures in the hour", async () => {
    const org = await orgWith();
    const [code] = await makeCodes(org.owner.cookie, org.id);
    await spendBudget(THROTTLES.joinGlobal);
    // Earlier tests of this file may have spent some of it; recording a full window's worth spends it all.
    await spendBudget(THROTTLES.joinKnownGlobal);

    const refused = await redeem((await knownAccount()).cookie, code!.code, freshAddress());
    expect(refused.status).toBe(429);
    expect(await codeRow(code!.id)).toMatchObject({ redeemed_at: null });
  });
});
