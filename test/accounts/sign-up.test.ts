import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { THROTTLES } from "../../src/domain/throttle";
import { throttleFor } from "../../src/services/throttle-client";
import { api, cookieFrom } from "../support/client";
import { signUp, unique } from "../support/factories";

function signUpBody(overrides: Record<string, unknown> = {}) {
  const username = unique("new");
  return { email: `${username}@example.com`, password: "correct horse battery", name: "New Person", username, ...overrides };
}

describe("POST /api/auth/sign-up/email", () => {
  it("creates the account and sets an HttpOnly, SameSite=Lax, Secure session cookie", async () => {
    const body = signUpBody();
    const response = await api("/api/auth/sign-up/email", { body });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ user: { id: expect.any(String), email: body.email, username: body.username, name: "New Person" } });
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Secure/i);
    const me = await api("/api/me", { as: { cookie: cookieFrom(response.headers) } });
    expect(me.body.user.username).toBe(body.username);
  });

  it("stores the username lower-case, so uniqueness ignores case", async () => {
    const username = unique("Mixed_Case-");
    const created = await api("/api/auth/sign-up/email", { body: signUpBody({ username }) });
    expect(created.body.user.username).toBe(username.toLowerCase());
    const again = await api("/api/auth/sign-up/email", { body: signUpBody({ username: username.toUpperCase() }) });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conflict");
  });

  it("refuses a taken email with 409 conflict, whatever its case", async () => {
    const first = await signUp();
    const response = await api("/api/auth/sign-up/email", { body: signUpBody({ email: first.email.toUpperCase() }) });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe("conflict");
  });

  it("refuses a taken username with 409 conflict and creates nothing", async () => {
    const first = await signUp();
    const body = signUpBody({ username: first.username });
    const response = await api("/api/auth/sign-up/email", { body });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe("conflict");
    const row = await env.DB.prepare("SELECT count(*) AS n FROM user WHERE email = ?").bind(body.email).first<{ n: number }>();
    expect(row?.n).toBe(0);
  });

  it.each([
    ["a username too short", { username: "ab" }, "username"],
    ["a username too long", { username: "a".repeat(33) }, "username"],
    ["a username with other characters", { username: "ada lovelace" }, "username"],
    ["a username with non-ASCII letters", { username: "adà" }, "username"],
    ["a password too short", { password: "1234567" }, "password"],
    ["a password too long", { password: "x".repeat(129) }, "password"],
    ["an email that is not one", { email: "not-an-email" }, "email"],
    ["a missing name", { name: undefined }, "name"],
  ])("refuses %s with 400 invalid_request naming the field", async (_label, overrides, field) => {
    const response = await api("/api/auth/sign-up/email", { body: signUpBody(overrides) });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_request");
    expect(response.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it("accepts a username at the bounds of 3 and 32 characters", async () => {
    for (const username of [unique("x").slice(0, 3), `${unique("y")}${"z".repeat(32)}`.slice(0, 32)]) {
      const response = await api("/api/auth/sign-up/email", { body: signUpBody({ username, email: `${unique("b")}@example.com` }) });
      expect(response.status, username).toBe(201);
    }
  });

  it("allows 500 new accounts per client address in an hour, then answers 429 with Retry-After", async () => {
    const address = "198.51.100.77";
    // The counter is exact and shared, so 500 are reserved directly on the object behind it.
    const throttle = throttleFor(env, THROTTLES.signUpPerAddress, address);
    await Promise.all(Array.from({ length: 500 }, () => throttle.reserve()));
    const response = await api("/api/auth/sign-up/email", { body: signUpBody(), headers: { "CF-Connecting-IP": address } });
    expect(response.status).toBe(429);
    expect(response.body.error.code).toBe("rate_limited");
    expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
    const elsewhere = await api("/api/auth/sign-up/email", { body: signUpBody(), headers: { "CF-Connecting-IP": "198.51.100.78" } });
    expect(elsewhere.status).toBe(201);
  }, 30_000);
});
