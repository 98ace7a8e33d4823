import { describe, expect, it, vi } from "vitest";
import { clock } from "../../src/clock";
import { api } from "../support/client";
import { signUp } from "../support/factories";
import { orgWith } from "../support/org-factories";
import { auditActions, makeCode, makeCodes, redeem } from "./helpers";
import { restoreClockAfterEach } from "../support/clock";

// Each test signs people up through the real API; on a busy shared machine that takes a while.
vi.setConfig({ testTimeout: 60_000 });

restoreClockAfterEach();

describe("POST /api/orgs/:orgId/join-codes", () => {
  it("makes one join code by default, shown as 1234-5678 and valid for 24 hours", async () => {
    const org = await orgWith();
    const before = Date.now();
    const response = await api(`/api/orgs/${org.id}/join-codes`, { body: {}, as: org.owner.cookie });
    expect(response.status).toBe(201);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.body.codes).toHaveLength(1);
    const [code] = response.body.codes;
    expect(code).toEqual({
      id: expect.any(String),
      code: expect.stringMatching(/^[0-9]{4}-[0-9]{4}$/),
      role: "user",
      label: "",
      expiresAt: expect.any(String),
    });
    const lifetime = Date.parse(code.expiresAt) - before;
    expect(lifetime).toBeGreaterThanOrEqual(24 * 3600_000);
    expect(lifetime).toBeLessThan(24 * 3600_000 + 60_000);
  });

  it("makes 50 distinct codes in one request and audits them as one event", async () => {
    const org = await orgWith({ admins: 1 });
    const codes = await makeCodes(org.admins[0]!.cookie, org.id, { count: 50 });
    expect(codes).toHaveLength(50);
    expect(new Set(codes.map((c) => c.code)).size).toBe(50);
    const events = (await auditActions(org.id)).filter((e) => e.action === "codes.created");
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.details)).toEqual({ count: 50, role: "user" });
    expect(events[0]!.actor_id).toBe(org.admins[0]!.id);
  });

  it("answers with the codes as a CSV attachment when asked for text/csv", async () => {
    const org = await orgWith();
    await api(`/api/orgs/${org.id}`, { method: "PATCH", body: { name: "Bio Lab 7" }, as: org.owner.cookie });
    const response = await api(`/api/orgs/${org.id}/join-codes`, {
      body: { count: 3 },
      as: org.owner.cookie,
      headers: { Accept: "text/csv" },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/csv/);
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="bio-lab-7-join-codes-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (response.body as string).trim().split("\r\n");
    expect(lines[0]).toBe("code,role,expires_at,label");
    expect(lines.slice(1)).toHaveLength(3);
    for (const line of lines.slice(1)) expect(line).toMatch(/^[0-9]{4}-[0-9]{4},user,\d{4}-\d{2}-\d{2}T[\d:.]+Z,$/);
    // The listed codes are the ones in the file, and they work.
    const joiner = await signUp();
    expect((await redeem(joiner.cookie, lines[1]!.split(",")[0])).status).toBe(200);
  });

  it("lets the Owner make an admin invite", async () => {
    const org = await orgWith();
    const invite = await makeCode(org.owner.cookie, org.id, "admin");
    expect(invite.role).toBe("admin");
    const joiner = await signUp();
    const joined = await redeem(joiner.cookie, invite.code);
    expect(joined.body).toEqual({ org: { id: org.id, name: org.name }, role: "admin" });
  });

  it("refuses an admin invite by an Admin with 403", async () => {
    const org = await orgWith({ admins: 1 });
    const response = await api(`/api/orgs/${org.id}/join-codes`, { body: { role: "admin" }, as: org.admins[0]!.cookie });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe("forbidden");
  });

  it.each([2, 50])("refuses %i admin invites in one request with 400", async (count) => {
    const org = await orgWith();
    const response = await api(`/api/orgs/${org.id}/join-codes`, { body: { role: "admin", count }, as: org.owner.cookie });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_request");
    expect(response.body.error.details).toEqual([{ field: "count", message: expect.any(String) }]);
  });

  it.each([{ count: 0 }, { count: 51 }, { count: 2.5 }, { count: "3" }, { role: "owner" }, { extra: true }])(
    "refuses %j with 400",
    async (body) => {
      const org = await orgWith();
      const response = await api(`/api/orgs/${org.id}/join-codes`, { body, as: org.owner.cookie });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe("invalid_request");
    },
  );

  it("refuses a User with 403 and a non-member with 404", async () => {
    const org = await orgWith({ users: 1 });
    const stranger = await signUp();
    expect((await api(`/api/orgs/${org.id}/join-codes`, { body: {}, as: org.users[0]!.cookie })).status).toBe(403);
    expect((await api(`/api/orgs/${org.id}/join-codes`, { body: {}, as: stranger.cookie })).status).toBe(404);
    expect((await api(`/api/orgs/${org.id}/join-codes`, { body: {} })).status).toBe(401);
  });
});

describe("GET /api/orgs/:orgId/join-codes", () => {
  it("lists live codes with hints only, never the full code", async () => {
    const org = await orgWith();
    const codes = await makeCodes(org.owner.cookie, org.id, { count: 3 });
    const response = await api(`/api/orgs/${org.id}/join-codes`, { as: org.owner.cookie });
    expect(response.status).toBe(200);
    expect(response.body.codes).toHaveLength(3);
    for (const made of codes) {
      const listed = response.body.codes.find((c: { id: string }) => c.id === made.id);
      expect(listed).toEqual({
        id: made.id,
        hint: `••••-${made.code.slice(5)}`,
        role: "user",
        label: "",
        createdBy: { userId: org.owner.id, username: org.owner.username },
        createdAt: expect.any(String),
        expiresAt: made.expiresAt,
      });
    }
    const text = JSON.stringify(response.body);
    for (const made of codes) {
      expect(text).not.toContain(made.code);
      expect(text).not.toContain(made.code.replace("-", ""));
    }
  });

  it("leaves out used, revoked and expired codes", async () => {
    const org = await orgWith();
    const [used, revoked, live] = await makeCodes(org.owner.cookie, org.id, { count: 3 });
    expect((await redeem((await signUp()).cookie, used!.code)).status).toBe(200);
    expect((await api(`/api/orgs/${org.id}/join-codes/${revoked!.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(204);
    const listed = await api(`/api/orgs/${org.id}/join-codes`, { as: org.owner.cookie });
    expect(listed.body.codes.map((c: { id: string }) => c.id)).toEqual([live!.id]);
    clock.now = () => Date.parse(live!.expiresAt);
    const later = await api(`/api/orgs/${org.id}/join-codes`, { as: org.owner.cookie });
    expect(later.body.codes).toEqual([]);
  });

  it("shows Admins the join codes only and the Owner admin invites too", async () => {
    const org = await orgWith({ admins: 1 });
    const invite = await makeCode(org.owner.cookie, org.id, "admin");
    const userCode = await makeCode(org.admins[0]!.cookie, org.id);
    const byAdmin = await api(`/api/orgs/${org.id}/join-codes`, { as: org.admins[0]!.cookie });
    expect(byAdmin.body.codes.map((c: { id: string }) => c.id)).toEqual([userCode.id]);
    const byOwner = await api(`/api/orgs/${org.id}/join-codes`, { as: org.owner.cookie });
    expect(byOwner.body.codes.map((c: { id: string }) => c.id).sort()).toEqual([invite.id, userCode.id].sort());
  });

  it("refuses a User with 403 and a non-member with 404", async () => {
    const org = await orgWith({ users: 1 });
    expect((await api(`/api/orgs/${org.id}/join-codes`, { as: org.users[0]!.cookie })).status).toBe(403);
    expect((await api(`/api/orgs/${org.id}/join-codes`, { as: (await signUp()).cookie })).status).toBe(404);
  });
});

describe("DELETE /api/orgs/:orgId/join-codes/:codeId", () => {
  it("revokes a code so it no longer works, and audits it", async () => {
    const org = await orgWith({ admins: 1 });
    const code = await makeCode(org.owner.cookie, org.id);
    const response = await api(`/api/orgs/${org.id}/join-codes/${code.id}`, { method: "DELETE", as: org.admins[0]!.cookie });
    expect(response.status).toBe(204);
    expect((await redeem((await signUp()).cookie, code.code)).status).toBe(404);
    const revoked = (await auditActions(org.id)).find((e) => e.action === "code.revoked");
    expect(revoked?.actor_id).toBe(org.admins[0]!.id);
    expect(JSON.parse(revoked!.details)).toEqual({ codeId: code.id, role: "user", hint: `••••-${code.code.slice(5)}` });
  });

  it.each([
    ["owner", "user", 204],
    ["owner", "admin", 204],
    ["admin", "user", 204],
    ["admin", "admin", 403],
    ["user", "user", 403],
  ] as const)("answers a %s revoking a %s code with %i", async (actorRole, codeRole, status) => {
    const org = await orgWith({ admins: 1, users: 1 });
    const actor = actorRole === "owner" ? org.owner : actorRole === "admin" ? org.admins[0]! : org.users[0]!;
    const code = await makeCode(org.owner.cookie, org.id, codeRole);
    const response = await api(`/api/orgs/${org.id}/join-codes/${code.id}`, { method: "DELETE", as: actor.cookie });
    expect(response.status).toBe(status);
    // A refused revocation leaves the code working.
    const works = (await redeem((await signUp()).cookie, code.code)).status === 200;
    expect(works).toBe(status !== 204);
  });

  it("answers 404 for another org's code, leaving it working", async () => {
    const mine = await orgWith();
    const theirs = await orgWith();
    const code = await makeCode(theirs.owner.cookie, theirs.id);
    expect((await api(`/api/orgs/${mine.id}/join-codes/${code.id}`, { method: "DELETE", as: mine.owner.cookie })).status).toBe(404);
    expect((await api(`/api/orgs/${theirs.id}/join-codes/${code.id}`, { method: "DELETE", as: mine.owner.cookie })).status).toBe(404);
    expect((await redeem((await signUp()).cookie, code.code)).status).toBe(200);
  });

  it("answers 404 for a code already used or revoked", async () => {
    const org = await orgWith();
    const [used, revoked] = await makeCodes(org.owner.cookie, org.id, { count: 2 });
    await redeem((await signUp()).cookie, used!.code);
    await api(`/api/orgs/${org.id}/join-codes/${revoked!.id}`, { method: "DELETE", as: org.owner.cookie });
    expect((await api(`/api/orgs/${org.id}/join-codes/${used!.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(404);
    expect((await api(`/api/orgs/${org.id}/join-codes/${revoked!.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(404);
  });

  it("lets exactly one of concurrent revocations of one code succeed, with one audit event", async () => {
    const org = await orgWith({ admins: 2 });
    const code = await makeCode(org.owner.cookie, org.id);
    const revokers = [org.owner, ...org.admins, org.owner, ...org.admins];
    const statuses = await Promise.all(
      revokers.map(async (who) => (await api(`/api/orgs/${org.id}/join-codes/${code.id}`, { method: "DELETE", as: who.cookie })).status),
    );
    expect(statuses.filter((s) => s === 204)).toHaveLength(1);
    expect(statuses.filter((s) => s === 404)).toHaveLength(revokers.length - 1);
    expect((await auditActions(org.id)).filter((e) => e.action === "code.revoked")).toHaveLength(1);
  });
});
