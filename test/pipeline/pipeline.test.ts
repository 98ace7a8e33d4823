import { describe, expect, it } from "vitest";
import { api, ORIGIN, workerFetch } from "../support/client";
import { signUp } from "../support/factories";

describe("the request pipeline", () => {
  it("refuses a cookie POST from a foreign Origin with 403 csrf and changes nothing", async () => {
    const user = await signUp();
    const response = await api("/api/tokens", { body: { name: "evil" }, as: user.cookie, headers: { Origin: "https://evil.example" } });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe("csrf");
    const tokens = await api("/api/tokens", { as: user.cookie });
    expect(tokens.body.tokens).toEqual([]);
  });

  it("refuses a cookie POST with neither Origin nor Referer", async () => {
    const user = await signUp();
    const { response } = await workerFetch("/api/tokens", {
      method: "POST",
      headers: { Cookie: user.cookie.cookie, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "x" }),
    });
    expect(response.status).toBe(403);
  });

  it("accepts a cookie POST whose Referer is on the app's own origin", async () => {
    const user = await signUp();
    const { response } = await workerFetch("/api/tokens", {
      method: "POST",
      headers: { Cookie: user.cookie.cookie, "Content-Type": "application/json", Referer: `${ORIGIN}/settings` },
      body: JSON.stringify({ name: "x" }),
    });
    expect(response.status).toBe(201);
  });

  it("refuses a cross-site sign-in attempt (login CSRF)", async () => {
    const user = await signUp();
    const response = await api("/api/auth/sign-in/email", {
      body: { email: user.email, password: user.password },
      headers: { Origin: "https://evil.example" },
    });
    expect(response.status).toBe(403);
  });

  it("answers malformed JSON with 400 invalid_request", async () => {
    const user = await signUp();
    const response = await api("/api/tokens", { body: "{ not json", as: user.cookie });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_request");
  });

  it("answers a JSON body over 64 KiB with 413 too_large", async () => {
    const user = await signUp();
    const response = await api("/api/tokens", { body: { name: "x".repeat(65 * 1024) }, as: user.cookie });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe("too_large");
  });

  it("answers an unknown API path with 404 in the contract's shape", async () => {
    const response = await api("/api/nothing-here");
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });

  it("keeps better-auth's other endpoints out of reach", async () => {
    for (const path of ["/api/auth/get-session", "/api/auth/list-sessions", "/api/auth/update-user"]) {
      expect((await api(path)).status, path).toBe(404);
    }
  });

  it("sends a CSP that forbids inline script, HSTS and a request id", async () => {
    const response = await api("/api/me");
    expect(response.headers.get("Content-Security-Policy")).toContain("script-src 'self'");
    expect(response.headers.get("Strict-Transport-Security")).toContain("max-age=");
    expect(response.headers.get("X-Request-Id")).toBeTruthy();
  });
});
