import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { orgWith } from "../support/org-factories";

describe("/api/orgs/:orgId/machines", () => {
  it("registers a machine owned by the caller and lists it to every member", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const created = await api(`/api/orgs/${org.id}/machines`, {
      body: { name: " gpu-box ", hostname: "gpu1.lab", gpus: 4 },
      as: sam.cookie,
    });
    expect(created.status).toBe(201);
    expect(created.body.machine).toEqual({
      id: expect.any(String),
      name: "gpu-box",
      hostname: "gpu1.lab",
      gpus: 4,
      shared: false,
      ownerId: sam.id,
      createdAt: expect.stringMatching(/Z$/),
      lastSeenAt: null,
    });
    expect(created.body.agentToken).toMatch(/^coh_agent_[0-9a-z]{32}$/);
    const minimal = await api(`/api/orgs/${org.id}/machines`, { body: { name: "laptop" }, as: org.owner.cookie });
    expect(minimal.body.machine).toMatchObject({ hostname: "", gpus: 0, ownerId: org.owner.id });
    const listed = await api(`/api/orgs/${org.id}/machines`, { as: sam.cookie });
    expect(listed.body.machines).toEqual([created.body.machine, minimal.body.machine]);
  });

  it.each([{}, { name: "" }, { name: "x", gpus: -1 }, { name: "x", gpus: "2" }, { name: "x", owner: "me" }])(
    "refuses %j with 400",
    async (body) => {
      const org = await orgWith();
      expect((await api(`/api/orgs/${org.id}/machines`, { body, as: org.owner.cookie })).status).toBe(400);
    },
  );

  it("deletes only the caller's own machine: another member's is 403, another org's is 404", async () => {
    const org = await orgWith({ users: 1 });
    const other = await orgWith();
    const sam = org.users[0]!;
    const mine = (await api(`/api/orgs/${org.id}/machines`, { body: { name: "sam's" }, as: sam.cookie })).body.machine;
    const foreign = (await api(`/api/orgs/${other.id}/machines`, { body: { name: "theirs" }, as: other.owner.cookie })).body.machine;
    expect((await api(`/api/orgs/${org.id}/machines/${mine.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(403);
    expect((await api(`/api/orgs/${org.id}/machines/${foreign.id}`, { method: "DELETE", as: sam.cookie })).status).toBe(404);
    expect((await api(`/api/orgs/${other.id}/machines/${foreign.id}`, { method: "DELETE", as: sam.cookie })).status).toBe(404);
    expect((await api(`/api/orgs/${org.id}/machines/${mine.id}`, { method: "DELETE", as: sam.cookie })).status).toBe(204);
    expect((await api(`/api/orgs/${org.id}/machines/${mine.id}`, { method: "DELETE", as: sam.cookie })).status).toBe(404);
    expect((await api(`/api/orgs/${org.id}/machines`, { as: sam.cookie })).body.machines).toEqual([]);
    expect((await api(`/api/orgs/${other.id}/machines`, { as: other.owner.cookie })).body.machines).toHaveLength(1);
  });
});
