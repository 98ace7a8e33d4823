import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { orgWith } from "../support/org-factories";

describe("machines: sharing, tokens, patch", () => {
  it("answers the token once on create, never in a list, and stores only its hash", async () => {
    const org = await orgWith();
    const created = await api(`/api/orgs/${org.id}/machines`, { body: { name: "rig", shared: true }, as: org.owner.cookie });
    expect(created.status).toBe(201);
    expect(created.body.machine).toMatchObject({ name: "rig", shared: true, lastSeenAt: null });
    const token: string = created.body.agentToken;
    const listed = await api(`/api/orgs/${org.id}/machines`, { as: org.owner.cookie });
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect(listed.body.machines[0]).not.toHaveProperty("agentToken");
    const { env } = await import("cloudflare:workers");
    const row = await env.DB.prepare("SELECT agent_token_hash FROM machine WHERE id = ?")
      .bind(created.body.machine.id)
      .first<{ agent_token_hash: string }>();
    expect(row!.agent_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.agent_token_hash).not.toContain(token.slice(10));
  });

  it("patches the name and sharing of one's own machine; another member's is 403, bad fields 400", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const { machine } = (await api(`/api/orgs/${org.id}/machines`, { body: { name: "rig" }, as: sam.cookie })).body;
    const patched = await api(`/api/orgs/${org.id}/machines/${machine.id}`, {
      method: "PATCH",
      body: { name: " rig-2 ", shared: true },
      as: sam.cookie,
    });
    expect(patched.status).toBe(200);
    expect(patched.body.machine).toEqual({ ...machine, name: "rig-2", shared: true });
    expect(
      (await api(`/api/orgs/${org.id}/machines/${machine.id}`, { method: "PATCH", body: { shared: false }, as: org.owner.cookie })).status,
    ).toBe(403);
    expect((await api(`/api/orgs/${org.id}/machines/${machine.id}`, { method: "PATCH", body: { gpus: 3 }, as: sam.cookie })).status).toBe(
      400,
    );
    expect((await api(`/api/orgs/${org.id}/machines/nope`, { method: "PATCH", body: { shared: true }, as: sam.cookie })).status).toBe(404);
    expect((await api(`/api/orgs/${org.id}/machines`, { as: sam.cookie })).body.machines[0]).toMatchObject({ name: "rig-2", shared: true });
  });

  it("a new agent token replaces the old one at once; own machines only", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const created = (await api(`/api/orgs/${org.id}/machines`, { body: { name: "rig" }, as: sam.cookie })).body;
    const old = created.agentToken as string;
    expect((await api("/api/agent/claim", { method: "POST", as: { token: old } })).status).toBe(204);
    expect(
      (await api(`/api/orgs/${org.id}/machines/${created.machine.id}/agent-token`, { method: "POST", as: org.owner.cookie })).status,
    ).toBe(403);
    const rotated = await api(`/api/orgs/${org.id}/machines/${created.machine.id}/agent-token`, { method: "POST", as: sam.cookie });
    expect(rotated.status).toBe(201);
    expect(rotated.body.agentToken).toMatch(/^coh_agent_/);
    expect(rotated.body.agentToken).not.toBe(old);
    expect((await api("/api/agent/claim", { method: "POST", as: { token: old } })).status).toBe(401);
    expect((await api("/api/agent/claim", { method: "POST", as: { token: rotated.body.agentToken } })).status).toBe(204);
  });

  it("deleting a machine stops its agent token at once", async () => {
    const org = await orgWith();
    const created = (await api(`/api/orgs/${org.id}/machines`, { body: { name: "rig" }, as: org.owner.cookie })).body;
    expect((await api("/api/agent/claim", { method: "POST", as: { token: created.agentToken } })).status).toBe(204);
    expect((await api(`/api/orgs/${org.id}/machines/${created.machine.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(204);
    expect((await api("/api/agent/claim", { method: "POST", as: { token: created.agentToken } })).status).toBe(401);
  });

  it("a departed member's machine tokens stop working", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const created = (await api(`/api/orgs/${org.id}/machines`, { body: { name: "rig" }, as: sam.cookie })).body;
    expect((await api(`/api/orgs/${org.id}/members/${sam.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(204);
    expect((await api("/api/agent/claim", { method: "POST", as: { token: created.agentToken } })).status).toBe(401);
  });
});
