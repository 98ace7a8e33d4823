import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../src/clock";
import { api, cookieFrom } from "../support/client";
import { signUp } from "../support/factories";

const realNow = clock.now;
afterEach(() => {
  clock.now = realNow;
});

describe("POST /api/auth/sign-in/email", () => {
  it("signs in with the right pair and sets a session cookie that works", async () => {
    const user = await signUp();
    const response = await api("/api/auth/sign-in/email", { body: { email: user.email, password: user.password } });
    expect(response.status).toBe(200);
    expect(response.body.user).toEqual({ id: user.id, email: user.email, username: user.username, name: user.name });
    const me = await api("/api/me", { as: { cookie: cookieFrom(response.headers) } });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(user.id);
  });

  it("answers a wrong password and an unknown email with the same 401 and no hint", async () => {
    const user = await signUp();
    const wrongPassword = await api("/api/auth/sign-in/email", { body: { email: user.email, password: "not the password" } });
    const unknownEmail = await api("/api/auth/sign-in/email", { body: { email: "nobody@example.com", password: "not the password" } });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownEmail.body);
    expect(wrongPassword.body.error.code).toBe("unauthenticated");
    expect(wrongPassword.headers.getSetCookie()).toEqual([]);
  });

  it("answers the eleventh failed try in 15 minutes with 429 and Retry-After, even with the right password", async () => {
    const user = await signUp();
    for (let i = 0; i < 10; i += 1) {
      const response = await api("/api/auth/sign-in/email", { body: { email: user.email, password: `wrong-${i}-password` } });
      expect(response.status).toBe(401);
    }
    const eleventh = await api("/api/auth/sign-in/email", { body: { email: user.email, password: user.password } });
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.error.code).toBe("rate_limited");
    const retryAfter = Number(eleventh.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  });

  it("counts concurrent failures exactly: of 20 wrong tries at once, 10 are checked and 10 refused", async () => {
    const user = await signUp();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api("/api/auth/sign-in/email", { body: { email: user.email, password: `wrong-${i}-password` } }),
      ),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
  });

  it("lets the account sign in again once the 15-minute window has passed", async () => {
    const user = await signUp();
    for (let i = 0; i < 10; i += 1) await api("/api/auth/sign-in/email", { body: { email: user.email, password: "wrong password" } });
    expect((await api("/api/auth/sign-in/email", { body: { email: user.email, password: user.password } })).status).toBe(429);
    const later = realNow() + 15 * 60_000 + 1_000;
    clock.now = () => later;
    expect((await api("/api/auth/sign-in/email", { body: { email: user.email, password: user.password } })).status).toBe(200);
  });

  it("does not count successful sign-ins against the limit", async () => {
    const user = await signUp();
    for (let i = 0; i < 12; i += 1) {
      expect((await api("/api/auth/sign-in/email", { body: { email: user.email, password: user.password } })).status).toBe(200);
    }
  });

  it("throttles per account: another account is unaffected", async () => {
    const [locked, other] = [await signUp(), await signUp()];
    for (let i = 0; i < 10; i += 1) await api("/api/auth/sign-in/email", { body: { email: locked.email, password: "wrong password" } });
    expect((await api("/api/auth/sign-in/email", { body: { email: other.email, password: other.password } })).status).toBe(200);
  });
});

describe("POST /api/auth/sign-out", () => {
  it("ends the session server-side: the old cookie then gets 401", async () => {
    const user = await signUp();
    const response = await api("/api/auth/sign-out", { method: "POST", as: user.cookie });
    expect(response.status).toBe(200);
    const me = await api("/api/me", { as: user.cookie });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe("unauthenticated");
  });

  it("accepts an empty JSON object as well as no body", async () => {
    const user = await signUp();
    expect((await api("/api/auth/sign-out", { body: {}, as: user.cookie })).status).toBe(200);
  });

  it("refuses a request with no session", async () => {
    expect((await api("/api/auth/sign-out", { method: "POST" })).status).toBe(401);
  });
});
