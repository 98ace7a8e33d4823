import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { signUp, tokenFor } from "../support/factories";

describe("POST /api/tokens", () => {
  it("creates a token shown this once, with at least 128 bits of secret", async () => {
    const user = await signUp();
    const response = await api("/api/tokens", { body: { name: "laptop" }, as: user.cookie });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ id: expect.any(String), name: "laptop", token: expect.any(String), createdAt: expect.any(String) });
    expect(new Date(response.body.createdAt).toISOString()).toBe(response.body.createdAt);
    // 32 base-36 characters after the prefix: log2(36) * 32 ≈ 165 bits.
    expect(response.body.token).toMatch(/^coh_[0-9a-z]{32}$/);
  });

  it("stores only a hash of the token", async () => {
    const user = await signUp();
    const { token } = await tokenFor(user);
    const rows = await env.DB.prepare("SELECT * FROM api_token WHERE user_id = ?").bind(user.id).all();
    expect(JSON.stringify(rows.results)).not.toContain(token);
    expect(JSON.stringify(rows.results)).not.toContain(token.slice(4));
  });

  it("works as a Bearer credential, without an Origin even for state changes", async () => {
    const user = await signUp();
    const token = await tokenFor(user);
    const me = await api("/api/me", { as: token });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(user.id);
    const another = await api("/api/tokens", { body: { name: "ci" }, as: token });
    expect(another.status).toBe(201);
  });

  it("refuses an unknown bearer token with 401", async () => {
    const response = await api("/api/me", { as: { token: "coh_00000000000000000000000000000000" } });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe("unauthenticated");
  });

  it.each([
    ["no name", {}],
    ["an empty name", { name: "  " }],
    ["an unknown field", { name: "x", scope: "all" }],
  ])("refuses %s with 400 invalid_request", async (_label, body) => {
    const user = await signUp();
    const response = await api("/api/tokens", { body, as: user.cookie });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_request");
  });

  it("refuses a caller who is not signed in", async () => {
    expect((await api("/api/tokens", { body: { name: "x" } })).status).toBe(401);
  });
});

describe("GET /api/tokens", () => {
  it("lists the caller's own tokens without their secrets, and records when one was last used", async () => {
    const user = await signUp();
    const other = await signUp();
    const { token } = await tokenFor(user, "used");
    await tokenFor(user, "unused");
    await tokenFor(other, "not mine");
    await api("/api/me", { as: { token } });
    const response = await api("/api/tokens", { as: user.cookie });
    expect(response.status).toBe(200);
    expect(response.body.tokens.map((t: { name: string }) => t.name).sort()).toEqual(["unused", "used"]);
    for (const listed of response.body.tokens) {
      expect(Object.keys(listed).sort()).toEqual(["createdAt", "id", "lastUsedAt", "name"]);
    }
    expect(JSON.stringify(response.body)).not.toContain(token);
    const used = response.body.tokens.find((t: { name: string }) => t.name === "used");
    expect(used.lastUsedAt).toEqual(expect.any(String));
  });
});

describe("DELETE /api/tokens/:id", () => {
  it("revokes the token at once: its next request gets 401", async () => {
    const user = await signUp();
    const created = await api("/api/tokens", { body: { name: "temp" }, as: user.cookie });
    const token = { token: created.body.token as string };
    expect((await api("/api/me", { as: token })).status).toBe(200);
    const deleted = await api(`/api/tokens/${created.body.id}`, { method: "DELETE", as: user.cookie });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe("");
    expect((await api("/api/me", { as: token })).status).toBe(401);
  });

  it("answers 404 for another user's token and leaves it working", async () => {
    const owner = await signUp();
    const intruder = await signUp();
    const created = await api("/api/tokens", { body: { name: "mine" }, as: owner.cookie });
    const response = await api(`/api/tokens/${created.body.id}`, { method: "DELETE", as: intruder.cookie });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe("not_found");
    expect((await api("/api/me", { as: { token: created.body.token } })).status).toBe(200);
  });
});
