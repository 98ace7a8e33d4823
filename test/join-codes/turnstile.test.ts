import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { TURNSTILE_TEST_KEYS } from "../../src/config";
import { THROTTLES } from "../../src/domain/throttle";
import { siteverify } from "../../src/services/turnstile";
import { api, type Credential } from "../support/client";
import { signUp } from "../support/factories";
import { orgWith } from "../support/org-factories";
import { page } from "../pages/page-client";
import { codeRow, freshAddress, makeCodes, memberCount, spendBudget } from "./helpers";

vi.setConfig({ testTimeout: 60_000 });

/** A stand-in for Cloudflare's siteverify: tokens starting "solved-" pass once each, as real ones do. */
const seen: { secret: string; response: string; remoteip: string }[] = [];
const realFetch = siteverify.fetch;
function stubSiteverify() {
  const used = new Set<string>();
  siteverify.fetch = async (request) => {
    expect(request.url).toBe("https://challenges.cloudflare.com/turnstile/v0/siteverify");
    const form = await request.formData();
    const entry = { secret: String(form.get("secret")), response: String(form.get("response")), remoteip: String(form.get("remoteip")) };
    seen.push(entry);
    const success = entry.response.startsWith("solved-") && !used.has(entry.response);
    used.add(entry.response);
    return Response.json({ success, action: "join", "error-codes": success ? [] : ["invalid-input-response"] });
  };
}
afterEach(() => {
  siteverify.fetch = realFetch;
  seen.length = 0;
});

function join(as: Credential, body: Record<string, unknown>, address: string) {
  return api("/api/join", { body, as, headers: { "CF-Connecting-IP": address } });
}

let guesses = 0;
const madeUp = () => {
  guesses += 1;
  return `7${String(guesses).padStart(7, "0")}`;
};

// Its own file: the global budget is one counter for everyone, and storage is per file.
describe("POST /api/join while the global guessing budget is spent", () => {
  beforeAll(async () => {
    await spendBudget(THROTTLES.joinGlobal);
  });

  it("asks a new account for the human check instead of refusing it flatly, and admits it once solved", async () => {
    stubSiteverify();
    const org = await orgWith();
    const [code] = await makeCodes(org.owner.cookie, org.id);
    const newcomer = await signUp();
    const address = freshAddress();

    const asked = await join(newcomer.cookie, { code: code!.code }, address);
    expect(asked.status).toBe(429);
    expect(Number(asked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(asked.body.error).toMatchObject({
      code: "rate_limited",
      details: { challenge: "turnstile", siteKey: TURNSTILE_TEST_KEYS.siteKey },
    });
    expect(await codeRow(code!.id)).toMatchObject({ redeemed_at: null });

    const joined = await join(newcomer.cookie, { code: code!.code, turnstileToken: "solved-1" }, address);
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ org: { id: org.id }, role: "user" });
    // Verified server-side, with the secret and the client's address.
    expect(seen).toEqual([{ secret: TURNSTILE_TEST_KEYS.secret, response: "solved-1", remoteip: address }]);
  });

  it("refuses an unsolved, reused or unverifiable token, and the code stays usable", async () => {
    stubSiteverify();
    const org = await orgWith();
    const [code] = await makeCodes(org.owner.cookie, org.id);
    const guesser = await signUp();
    const address = freshAddress();
    expect((await join(guesser.cookie, { code: madeUp(), turnstileToken: "solved-2" }, address)).status).toBe(404);
    // The same token again (it was spent on the failed guess), a made-up one, and siteverify down.
    expect((await join(guesser.cookie, { code: code!.code, turnstileToken: "solved-2" }, address)).status).toBe(429);
    expect((await join(guesser.cookie, { code: code!.code, turnstileToken: "forged" }, address)).status).toBe(429);
    siteverify.fetch = async () => new Response("unavailable", { status: 503 });
    expect((await join(guesser.cookie, { code: code!.code, turnstileToken: "solved-3" }, address)).status).toBe(429);
    expect(await codeRow(code!.id)).toMatchObject({ redeemed_at: null });
    expect(await memberCount(org.id)).toBe(1);
  });

  it("still bounds challenged guesses per address: 10 a day, however many accounts and solved checks", async () => {
    stubSiteverify();
    const address = freshAddress();
    const guessers = await Promise.all(Array.from({ length: 6 }, () => signUp()));
    const statuses: number[] = [];
    for (let n = 0; n < 12; n += 1) {
      statuses.push((await join(guessers[n >> 1]!.cookie, { code: madeUp(), turnstileToken: `solved-a${n}` }, address)).status);
    }
    expect(statuses.slice(0, THROTTLES.joinAddressLockdown.limit)).toEqual(Array(THROTTLES.joinAddressLockdown.limit).fill(404));
    expect(statuses.slice(THROTTLES.joinAddressLockdown.limit)).toEqual([429, 429]);
    // Once the address is spent, no challenge is offered there: solving it could not help.
    const newcomer = await signUp();
    const refused = await join(newcomer.cookie, { code: madeUp() }, address);
    expect(refused.status).toBe(429);
    expect(refused.body.error.details).toBeUndefined();
  });

  it("rejects a malformed token with 400 and counts nothing", async () => {
    stubSiteverify();
    const user = await signUp();
    for (const turnstileToken of ["", "x".repeat(2049), 42]) {
      expect((await join(user.cookie, { code: "1234-5678", turnstileToken }, freshAddress())).status).toBe(400);
    }
    expect(seen).toEqual([]);
  });

  it("shows the human check on /setup when the join is refused for it, and joins once it is solved", async () => {
    stubSiteverify();
    const org = await orgWith();
    const [code] = await makeCodes(org.owner.cookie, org.id);
    const newcomer = await signUp();
    const headers = { "CF-Connecting-IP": freshAddress() };
    const asked = await page("/setup/join", { cookie: newcomer.cookie.cookie, form: { code: code!.code }, headers });
    expect(asked.status).toBe(429);
    expect(asked.html).toContain(`data-sitekey="${TURNSTILE_TEST_KEYS.siteKey}"`);
    expect(asked.html).toContain('src="https://challenges.cloudflare.com/turnstile/v0/api.js"');
    expect(asked.html).toContain(`value="${code!.code}"`);
    const joined = await page("/setup/join", {
      cookie: newcomer.cookie.cookie,
      form: { code: code!.code, "cf-turnstile-response": "solved-page" },
      headers,
    });
    expect(joined.location).toBe("/");
    expect((await api("/api/me", { as: newcomer.cookie })).body).toMatchObject({ org: { id: org.id }, role: "user" });
  });
});
