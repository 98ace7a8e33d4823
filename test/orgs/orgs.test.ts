import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { signUp, tokenFor } from "../support/factories";
import { createOrgFor, newMember, orgWith } from "../support/org-factories";

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe("POST /api/orgs", () => {
  it("creates an org with the caller as its Owner", async () => {
    const ada = await signUp();
    const response = await api("/api/orgs", {
      body: { name: "  Ada Lab  ", website: "https://ada.example.org", description: "Compilers" },
      as: ada.cookie,
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      org: {
        id: expect.any(String),
        name: "Ada Lab",
        website: "https://ada.example.org",
        location: "",
        sector: "",
        universityName: "",
        description: "Compilers",
        createdAt: expect.stringMatching(ISO),
      },
    });
    const me = await api("/api/me", { as: ada.cookie });
    expect(me.body.org).toEqual({ id: response.body.org.id, name: "Ada Lab" });
    expect(me.body.role).toBe("owner");
  });

  it("refuses a user who already belongs to an org with 409 already_in_org", async () => {
    const ada = await signUp();
    await createOrgFor(ada);
    const response = await api("/api/orgs", { body: { name: "Second" }, as: ada.cookie });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe("already_in_org");
  });

  it("refuses a missing name and unknown fields with 400 invalid_request", async () => {
    const ada = await signUp();
    for (const body of [{}, { name: "" }, { name: "   " }, { name: "x".repeat(101) }, { name: "Lab", plan: "pro" }]) {
      const response = await api("/api/orgs", { body, as: ada.cookie });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe("invalid_request");
      expect(response.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: expect.any(String) })]));
    }
    expect((await api("/api/me", { as: ada.cookie })).body.org).toBeNull();
  });

  it("lets two concurrent creations by one user make exactly one org", async () => {
    const ada = await signUp();
    const results = await Promise.all([1, 2, 3].map((n) => api("/api/orgs", { body: { name: `Race ${n}` }, as: ada.cookie })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const { results: rows } = await env.DB.prepare("SELECT org_id FROM membership WHERE user_id = ?").bind(ada.id).all();
    expect(rows).toHaveLength(1);
  });
});

describe("GET /api/orgs/:orgId", () => {
  it("shows the org, the caller's role, and the Owner and every Admin as leadership", async () => {
    const org = await orgWith({ admins: 2, users: 1 });
    const response = await api(`/api/orgs/${org.id}`, { as: org.users[0]!.cookie });
    expect(response.status).toBe(200);
    expect(response.body.role).toBe("user");
    expect(response.body.org.id).toBe(org.id);
    expect(response.body.org).not.toHaveProperty("version");
    expect(response.body.leadership[0]).toEqual({
      userId: org.owner.id,
      username: org.owner.username,
      name: org.owner.name,
      role: "owner",
    });
    expect(
      response.body.leadership
        .slice(1)
        .map((l: { userId: string }) => l.userId)
        .sort(),
    ).toEqual(org.admins.map((a) => a.id).sort());
    expect(response.body.leadership.every((l: { role: string }) => l.role !== "user")).toBe(true);
  });

  it("answers 404 for a member of another org, the same as for an org that does not exist", async () => {
    const org = await orgWith();
    const other = await orgWith();
    const foreign = await api(`/api/orgs/${org.id}`, { as: other.owner.cookie });
    const missing = await api(`/api/orgs/nosuchorg`, { as: other.owner.cookie });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
  });
});

describe("PATCH /api/orgs/:orgId", () => {
  it("updates any subset of the profile, trimmed", async () => {
    const org = await orgWith({ admins: 1 });
    const response = await api(`/api/orgs/${org.id}`, {
      method: "PATCH",
      body: { location: "  Geneva ", universityName: "Example University", website: "" },
      as: org.admins[0]!.cookie,
    });
    expect(response.status).toBe(200);
    expect(response.body.org).toMatchObject({ name: org.name, location: "Geneva", universityName: "Example University", website: "" });
    expect((await api(`/api/orgs/${org.id}`, { as: org.owner.cookie })).body.org.location).toBe("Geneva");
  });

  it.each([
    ["a javascript: URL", { website: "javascript:alert(1)" }],
    ["a data: URL", { website: "data:text/html,hi" }],
    ["an ftp: URL", { website: "ftp://files.example.org" }],
    ["a relative URL", { website: "example.org/lab" }],
    ["a website over 200 characters", { website: `https://example.org/${"a".repeat(181)}` }],
    ["an empty name", { name: "  " }],
    ["a name over 100 characters", { name: "n".repeat(101) }],
    ["a location over 100 characters", { location: "l".repeat(101) }],
    ["a sector over 100 characters", { sector: "s".repeat(101) }],
    ["a university name over 100 characters", { universityName: "u".repeat(101) }],
    ["a description over 500 characters", { description: "d".repeat(501) }],
    ["an unknown field", { version: 7 }],
    ["a field of the wrong type", { location: 5 }],
  ])("refuses %s with 400 invalid_request and changes nothing", async (_label, body) => {
    const org = await orgWith();
    const before = await api(`/api/orgs/${org.id}`, { as: org.owner.cookie });
    const response = await api(`/api/orgs/${org.id}`, { method: "PATCH", body, as: org.owner.cookie });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_request");
    expect((await api(`/api/orgs/${org.id}`, { as: org.owner.cookie })).body).toEqual(before.body);
  });

  it("accepts the limits exactly: 100, 200 and 500 characters", async () => {
    const org = await orgWith();
    const website = `https://example.org/${"a".repeat(180)}`;
    expect(website).toHaveLength(200);
    const body = {
      name: "n".repeat(100),
      website,
      location: "l".repeat(100),
      sector: "s".repeat(100),
      universityName: "u".repeat(100),
      description: "d".repeat(500),
    };
    const response = await api(`/api/orgs/${org.id}`, { method: "PATCH", body, as: org.owner.cookie });
    expect(response.status).toBe(200);
    expect(response.body.org).toMatchObject(body);
  });

  it("refuses a User with 403", async () => {
    const org = await orgWith({ users: 1 });
    const response = await api(`/api/orgs/${org.id}`, { method: "PATCH", body: { name: "Mine now" }, as: org.users[0]!.cookie });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe("forbidden");
  });

  it("records the edited fields in the audit log", async () => {
    const org = await orgWith();
    await api(`/api/orgs/${org.id}`, { method: "PATCH", body: { sector: "Research", name: org.name }, as: org.owner.cookie });
    const events = await api(`/api/orgs/${org.id}/events`, { as: org.owner.cookie });
    expect(events.body.events[0]).toMatchObject({
      action: "profile.edited",
      actor: { userId: org.owner.id, username: org.owner.username },
      details: { fields: ["sector"] },
    });
  });
});

describe("POST /api/orgs/:orgId/leave", () => {
  it("refuses the Owner with 409 owner_must_transfer", async () => {
    const org = await orgWith();
    const response = await api(`/api/orgs/${org.id}/leave`, { method: "POST", as: org.owner.cookie });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe("owner_must_transfer");
    expect((await api("/api/me", { as: org.owner.cookie })).body.role).toBe("owner");
  });

  it("lets an Admin leave, with no body or {}, and then create another org", async () => {
    const org = await orgWith({ admins: 1, users: 1 });
    const admin = org.admins[0]!;
    const left = await api(`/api/orgs/${org.id}/leave`, { method: "POST", as: admin.cookie });
    expect(left.status).toBe(200);
    expect(left.body).toEqual({ org: null, role: null });
    expect((await api("/api/me", { as: admin.cookie })).body).toMatchObject({ org: null, role: null });
    expect((await api(`/api/orgs/${org.id}`, { as: admin.cookie })).status).toBe(404);
    expect((await api("/api/orgs", { body: { name: "Admin's own" }, as: admin.cookie })).status).toBe(201);

    const user = org.users[0]!;
    expect((await api(`/api/orgs/${org.id}/leave`, { body: {}, as: await tokenFor(user) })).status).toBe(200);
    expect((await api("/api/me", { as: user.cookie })).body.org).toBeNull();
  });

  it("refuses a body with fields", async () => {
    const org = await orgWith({ users: 1 });
    const response = await api(`/api/orgs/${org.id}/leave`, { body: { now: true }, as: org.users[0]!.cookie });
    expect(response.status).toBe(400);
  });

  it("moves the leaver's volumes to the Owner and deregisters their machines", async () => {
    const org = await orgWith();
    const user = await newMember(org.id, "user");
    const volume = (await api(`/api/orgs/${org.id}/volumes`, { body: { name: "data", sizeGb: 10 }, as: user.cookie })).body.volume;
    await api(`/api/orgs/${org.id}/machines`, { body: { name: "rig" }, as: user.cookie });
    expect((await api(`/api/orgs/${org.id}/leave`, { method: "POST", as: user.cookie })).status).toBe(200);
    const volumes = await api(`/api/orgs/${org.id}/volumes`, { as: org.owner.cookie });
    expect(volumes.body.volumes).toEqual([{ ...volume, ownerId: org.owner.id }]);
    expect((await api(`/api/orgs/${org.id}/machines`, { as: org.owner.cookie })).body.machines).toEqual([]);
    const events = (await api(`/api/orgs/${org.id}/events`, { as: org.owner.cookie })).body.events;
    expect(events.slice(0, 2).map((e: { action: string }) => e.action)).toEqual(["volumes.moved", "member.left"]);
    expect(events[0].details).toEqual({ count: 1, toUserId: org.owner.id, toUsername: org.owner.username });
  });
});
