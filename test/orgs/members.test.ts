import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { signUp, tokenFor } from "../support/factories";
import { insertVolumes, newMember, orgWith } from "../support/org-factories";

describe("GET /api/orgs/:orgId/members", () => {
  it("lists every member with role, join time and machines, the Owner first", async () => {
    const org = await orgWith({ admins: 1, users: 1 });
    const user = org.users[0]!;
    const machine = (await api(`/api/orgs/${org.id}/machines`, { body: { name: "rig" }, as: user.cookie })).body.machine;
    const response = await api(`/api/orgs/${org.id}/members`, { as: user.cookie });
    expect(response.status).toBe(200);
    const members = response.body.members;
    expect(members.map((m: { role: string }) => m.role)).toEqual(["owner", "admin", "user"]);
    expect(members[2]).toEqual({
      userId: user.id,
      username: user.username,
      name: user.name,
      role: "user",
      joinedAt: expect.stringMatching(/Z$/),
      machines: [{ id: machine.id, name: "rig" }],
    });
    expect(members[0].machines).toEqual([]);
  });
});

describe("PUT /api/orgs/:orgId/members/:userId/role", () => {
  it("lets the Owner promote a User and demote an Admin, each recorded in the audit log", async () => {
    const org = await orgWith({ admins: 1, users: 1 });
    const [admin, user] = [org.admins[0]!, org.users[0]!];
    const promoted = await api(`/api/orgs/${org.id}/members/${user.id}/role`, {
      method: "PUT",
      body: { role: "admin" },
      as: org.owner.cookie,
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body.member).toMatchObject({ userId: user.id, username: user.username, role: "admin", machines: [] });
    const demoted = await api(`/api/orgs/${org.id}/members/${admin.id}/role`, {
      method: "PUT",
      body: { role: "user" },
      as: org.owner.cookie,
    });
    expect(demoted.body.member.role).toBe("user");
    expect((await api("/api/me", { as: user.cookie })).body.role).toBe("admin");
    expect((await api("/api/me", { as: admin.cookie })).body.role).toBe("user");
    const events = (await api(`/api/orgs/${org.id}/events`, { as: org.owner.cookie })).body.events;
    expect(events[0]).toMatchObject({ action: "role.changed", target: { userId: admin.id }, details: { from: "admin", to: "user" } });
    expect(events[1]).toMatchObject({ action: "role.changed", target: { userId: user.id }, details: { from: "user", to: "admin" } });
  });

  it("refuses to change the Owner's own role with 409 conflict", async () => {
    const org = await orgWith();
    const response = await api(`/api/orgs/${org.id}/members/${org.owner.id}/role`, {
      method: "PUT",
      body: { role: "user" },
      as: org.owner.cookie,
    });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe("conflict");
  });

  it("answers 404 for someone not in this org", async () => {
    const org = await orgWith();
    const other = await orgWith();
    const stranger = await signUp();
    for (const id of [other.owner.id, stranger.id, "nobody"]) {
      const response = await api(`/api/orgs/${org.id}/members/${id}/role`, {
        method: "PUT",
        body: { role: "admin" },
        as: org.owner.cookie,
      });
      expect(response.status).toBe(404);
    }
    expect((await api("/api/me", { as: other.owner.cookie })).body.role).toBe("owner");
  });

  it("refuses a role other than admin or user with 400", async () => {
    const org = await orgWith({ users: 1 });
    for (const body of [{ role: "owner" }, { role: "Admin" }, {}, { role: "admin", extra: 1 }]) {
      const response = await api(`/api/orgs/${org.id}/members/${org.users[0]!.id}/role`, { method: "PUT", body, as: org.owner.cookie });
      expect(response.status).toBe(400);
    }
  });

  it("refuses an Admin with 403", async () => {
    const org = await orgWith({ admins: 1, users: 1 });
    const response = await api(`/api/orgs/${org.id}/members/${org.users[0]!.id}/role`, {
      method: "PUT",
      body: { role: "admin" },
      as: org.admins[0]!.cookie,
    });
    expect(response.status).toBe(403);
  });
});

describe("DELETE /api/orgs/:orgId/members/:userId", () => {
  it("lets the Owner remove an Admin and an Admin remove a User", async () => {
    const org = await orgWith({ admins: 2, users: 1 });
    expect((await api(`/api/orgs/${org.id}/members/${org.admins[0]!.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(204);
    expect((await api(`/api/orgs/${org.id}/members/${org.users[0]!.id}`, { method: "DELETE", as: org.admins[1]!.cookie })).status).toBe(
      204,
    );
    const members = (await api(`/api/orgs/${org.id}/members`, { as: org.owner.cookie })).body.members;
    expect(members.map((m: { userId: string }) => m.userId).sort()).toEqual([org.owner.id, org.admins[1]!.id].sort());
  });

  it("refuses an Admin removing another Admin or the Owner with 403", async () => {
    const org = await orgWith({ admins: 2 });
    for (const target of [org.admins[1]!, org.owner, org.admins[0]!]) {
      const response = await api(`/api/orgs/${org.id}/members/${target.id}`, { method: "DELETE", as: org.admins[0]!.cookie });
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe("forbidden");
    }
  });

  it("refuses the Owner removing themself with 409 owner_must_transfer", async () => {
    const org = await orgWith();
    const response = await api(`/api/orgs/${org.id}/members/${org.owner.id}`, { method: "DELETE", as: org.owner.cookie });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe("owner_must_transfer");
  });

  it("answers 404 for someone not in this org", async () => {
    const org = await orgWith();
    const other = await orgWith();
    const response = await api(`/api/orgs/${org.id}/members/${other.owner.id}`, { method: "DELETE", as: org.owner.cookie });
    expect(response.status).toBe(404);
    expect((await api("/api/me", { as: other.owner.cookie })).body.org.id).toBe(other.id);
  });

  it("refuses the removed member's old cookie and earlier token on their very next request", async () => {
    const org = await orgWith();
    const sam = await newMember(org.id, "user");
    const token = await tokenFor(sam);
    expect((await api(`/api/orgs/${org.id}`, { as: token })).status).toBe(200);
    expect((await api(`/api/orgs/${org.id}/members/${sam.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(204);
    for (const as of [sam.cookie, token]) {
      expect((await api(`/api/orgs/${org.id}`, { as })).status).toBe(404);
      expect((await api(`/api/orgs/${org.id}/members`, { as })).status).toBe(404);
      expect((await api(`/api/orgs/${org.id}/volumes`, { body: { name: "late", sizeGb: 1 }, as })).status).toBe(404);
      expect((await api(`/api/orgs/${org.id}/leave`, { method: "POST", as })).status).toBe(404);
      expect((await api("/api/me", { as })).body).toMatchObject({ org: null, role: null });
    }
  });

  it("gives the removed member's volumes to the Owner with the same ids, names and sizes, and deregisters their machines", async () => {
    const org = await orgWith();
    const sam = await newMember(org.id, "user");
    const ownerVolume = (await api(`/api/orgs/${org.id}/volumes`, { body: { name: "owner's", sizeGb: 5 }, as: org.owner.cookie })).body
      .volume;
    const samVolumes = [];
    for (const [name, sizeGb] of [
      ["alpha", 1],
      ["beta", 250],
    ] as const) {
      samVolumes.push((await api(`/api/orgs/${org.id}/volumes`, { body: { name, sizeGb }, as: sam.cookie })).body.volume);
    }
    await api(`/api/orgs/${org.id}/machines`, { body: { name: "sam-rig", gpus: 2 }, as: sam.cookie });
    expect((await api(`/api/orgs/${org.id}/members/${sam.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(204);

    const after = (await api(`/api/orgs/${org.id}/volumes?all=1`, { as: org.owner.cookie })).body.volumes;
    expect(after).toHaveLength(3);
    expect(after).toEqual(expect.arrayContaining([ownerVolume, ...samVolumes.map((v) => ({ ...v, ownerId: org.owner.id }))]));
    expect((await api(`/api/orgs/${org.id}/volumes`, { as: org.owner.cookie })).body.volumes).toHaveLength(3);
    expect((await api(`/api/orgs/${org.id}/machines`, { as: org.owner.cookie })).body.machines).toEqual([]);
    const events = (await api(`/api/orgs/${org.id}/events`, { as: org.owner.cookie })).body.events;
    expect(events[0]).toMatchObject({ action: "volumes.moved", target: { userId: sam.id }, details: { count: 2, toUserId: org.owner.id } });
    expect(events[1]).toMatchObject({
      action: "member.removed",
      actor: { userId: org.owner.id },
      target: { userId: sam.id, username: sam.username },
    });
  });

  it("removes a member with 200 volumes, moving every one in the same write", { timeout: 30_000 }, async () => {
    const org = await orgWith();
    const heavy = await newMember(org.id, "user");
    const volumes = await insertVolumes(org.id, heavy.id, 200);
    expect((await api(`/api/orgs/${org.id}/members/${heavy.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(204);
    const { results } = await env.DB.prepare("SELECT id, name, size_gb AS sizeGb, owner_id AS ownerId FROM volume WHERE org_id = ?")
      .bind(org.id)
      .all();
    expect(results).toHaveLength(200);
    expect(results.every((row) => row.ownerId === org.owner.id)).toBe(true);
    expect(new Map(results.map((row) => [row.id, [row.name, row.sizeGb]]))).toEqual(
      new Map(volumes.map((v) => [v.id, [v.name, v.sizeGb]])),
    );
    const events = (await api(`/api/orgs/${org.id}/events?limit=1`, { as: org.owner.cookie })).body.events;
    expect(events[0].details.count).toBe(200);
  });
});
