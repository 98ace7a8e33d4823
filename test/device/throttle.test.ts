import { describe, expect, it } from "vitest";
import { clock } from "../../src/clock";
import { api } from "../support/client";
import { signUp } from "../support/factories";
import { page } from "../pages/page-client";
import { approve, startLogin } from "./helpers";
import { restoreClockAfterEach } from "../support/clock";

restoreClockAfterEach();

describe("guessing user codes", () => {
  it("allows 10 failed tries per account in 15 minutes, then answers 429 rate_limited with Retry-After even for a good code", async () => {
    const start = Date.now();
    clock.now = () => start;
    const user = await signUp();
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await approve("BBBB-BBBB", user.cookie)).status).toBe(404);
    }
    const grant = await startLogin("after guessing");
    const refused = await approve(grant.userCode, user.cookie);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("rate_limited");
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    const denied = await api("/api/device/deny", { body: { userCode: grant.userCode }, as: user.cookie });
    expect(denied.status).toBe(429);

    clock.now = () => start + 15 * 60_000 + 1000;
    const fresh = await startLogin("after the window");
    expect((await approve(fresh.userCode, user.cookie)).status).toBe(200);
  });

  it("counts failed lookups on the /device page too", async () => {
    const user = await signUp();
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await page("/device?code=DDDD-DDDD", { cookie: user.cookie.cookie })).status).toBe(404);
    }
    const grant = await startLogin("looked up too often");
    const refused = await page(`/device?code=${grant.userCode}`, { cookie: user.cookie.cookie });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).not.toBeNull();
    expect((await approve(grant.userCode, user.cookie)).status).toBe(429);
  });

  it("does not count successful approvals", async () => {
    const user = await signUp();
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const grant = await startLogin(`ok ${attempt}`);
      expect((await approve(grant.userCode, user.cookie)).status).toBe(200);
    }
  });

  it("counts failures per client address across accounts", { timeout: 60_000 }, async () => {
    const start = Date.now();
    clock.now = () => start;
    const address = { "CF-Connecting-IP": "203.0.113.77" };
    const accounts = await Promise.all(Array.from({ length: 10 }, () => signUp()));
    // Ten accounts at their own limit of 10 make the address's 100; concurrent guesses are counted exactly.
    const answers = await Promise.all(
      accounts.flatMap((user) => Array.from({ length: 10 }, () => approve("CCCC-CCCC", user.cookie, address))),
    );
    expect(answers.every((answer) => answer.status === 404)).toBe(true);
    const fresh = await signUp();
    const refused = await approve("CCCC-CCCC", fresh.cookie, address);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("rate_limited");
  });
});
