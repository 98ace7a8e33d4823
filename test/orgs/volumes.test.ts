import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { orgWith } from "../support/org-factories";

describe("/api/orgs/:orgId/volumes", () => {
  it("creates a volume owned by the caller and lists the caller's own", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const created = await api(`/api/orgs/${org.id}/volumes`, { body: { name: " data ", sizeGb: 20 }, as: sam.cookie });
    expect(created.status).toBe(201);
    expect(created.body.volume).toEqual({
      id: expect.any(String),
      name: "data",
      sizeGb: 20,
      ownerId: sam.id,
      createdAt: expect.stringMatching(/Z$/),
    });
    await api(`/api/orgs/${org.id}/volumes`, { body: { name: "owner's", sizeGb: 1 }, as: org.owner.cookie });
    expect((await api(`/api/orgs/${org.id}/volumes`, { as: sam.cookie })).body.volumes).toEqual([created.body.volume]);
  });

  it("lists every volume with ?all=1 for Admins and the Owner, and refuses Users with 403", async () => {
    const org = await orgWith({ admins: 1, users: 1 });
    await api(`/api/orgs/${org.id}/volumes`, { body: { name: "a", sizeGb: 1 }, as: org.users[0]!.cookie });
    await api(`/api/orgs/${org.id}/volumes`, { body: { name: "b", sizeGb: 2 }, as: org.owner.cookie });
    expect((await api(`/api/orgs/${org.id}/volumes?all=1`, { as: org.admins[0]!.cookie })).body.volumes).toHaveLength(2);
    expect((await api(`/api/orgs/${org.id}/volumes?all=1`, { as: org.owner.cookie })).body.volumes).toHaveLength(2);
    expect((await api(`/api/orgs/${org.id}/volumes?all=1`, { as: org.users[0]!.cookie })).status).toBe(403);
  });

  it.each([
    { name: "x" },
    { name: "x", sizeGb: 0 },
    { name: "x", sizeGb: 1.5 },
    { name: "", sizeGb: 1 },
    { name: "x", sizeGb: 1, ownerId: "y" },
  ])("refuses %j with 400", async (body) => {
    const org = await orgWith();
    expect((await api(`/api/orgs/${org.id}/volumes`, { body, as: org.owner.cookie })).status).toBe(400);
  });

  it("deletes only the caller's own volume: another member's is 403, another org's is 404", async () => {
    const org = await orgWith({ users: 1 });
    const other = await orgWith();
    const sam = org.users[0]!;
    const mine = (await api(`/api/orgs/${org.id}/volumes`, { body: { name: "sam's", sizeGb: 3 }, as: sam.cookie })).body.volume;
    const foreign = (await api(`/api/orgs/${other.id}/volumes`, { body: { name: "theirs", sizeGb: 3 }, as: other.owner.cookie })).body
      .volume;
    expect((await api(`/api/orgs/${org.id}/volumes/${mine.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(403);
    expect((await api(`/api/orgs/${org.id}/volumes/${foreign.id}`, { method: "DELETE", as: sam.cookie })).status).toBe(404);
    expect((await api(`/api/orgs/${org.id}/volumes/${mine.id}`, { method: "DELETE", as: sam.cookie })).status).toBe(204);
    expect((await api(`/api/orgs/${org.id}/volumes?all=1`, { as: org.owner.cookie })).body.volumes).toEqual([]);
  });

  it("creates once for two requests with the same Idempotency-Key", async () => {
    const org = await orgWith();
    const request = { body: { name: "once", sizeGb: 4 }, as: org.owner.cookie, headers: { "Idempotency-Key": "vol-once" } };
    const [first, second] = [await api(`/api/orgs/${org.id}/volumes`, request), await api(`/api/orgs/${org.id}/volumes`, request)];
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    const { results } = await env.DB.prepare("SELECT id FROM volume WHERE org_id = ?").bind(org.id).all();
    expect(results).toHaveLength(1);
    const other = await api(`/api/orgs/${org.id}/volumes`, { ...request, headers: { "Idempotency-Key": "vol-twice" } });
    expect(other.body.volume.id).not.toBe(first.body.volume.id);
  });

  it("refuses a malformed Idempotency-Key with 400", async () => {
    const org = await orgWith();
    const response = await api(`/api/orgs/${org.id}/volumes`, {
      body: { name: "x", sizeGb: 1 },
      as: org.owner.cookie,
      headers: { "Idempotency-Key": "k".repeat(201) },
    });
    expect(response.status).toBe(400);
  });
});
