import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { tokenFor } from "../support/factories";
import { orgWith } from "../support/org-factories";
import { createProject } from "./helpers";

describe("POST /api/orgs/:orgId/projects", () => {
  it("creates a project owned by the caller, with no archive and an empty description by default", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const response = await api(`/api/orgs/${org.id}/projects`, { body: { name: "  trainer  " }, as: sam.cookie });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      project: {
        id: expect.any(String),
        name: "trainer",
        description: "",
        ownerId: sam.id,
        createdAt: expect.stringMatching(/Z$/),
        archive: null,
      },
    });
  });

  it("keeps a description of up to 500 characters", async () => {
    const org = await orgWith();
    const response = await api(`/api/orgs/${org.id}/projects`, {
      body: { name: "described", description: "d".repeat(500) },
      as: org.owner.cookie,
    });
    expect(response.status).toBe(201);
    expect(response.body.project.description).toBe("d".repeat(500));
  });

  it.each([
    {},
    { name: "" },
    { name: "   " },
    { name: "n".repeat(101) },
    { name: 7 },
    { name: "ok", description: "d".repeat(501) },
    { name: "ok", ownerId: "someone" },
  ])("refuses %j with 400 invalid_request", async (body) => {
    const org = await orgWith();
    const response = await api(`/api/orgs/${org.id}/projects`, { body, as: org.owner.cookie });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_request");
    const { results } = await env.DB.prepare("SELECT id FROM project WHERE org_id = ?").bind(org.id).all();
    expect(results).toEqual([]);
  });

  it("refuses a name already used in the org, whatever its case, with 409 conflict", async () => {
    const org = await orgWith({ users: 1 });
    await createProject(org.id, org.owner.cookie, { name: "Vision" });
    const response = await api(`/api/orgs/${org.id}/projects`, { body: { name: "vISION" }, as: org.users[0]!.cookie });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe("conflict");
  });

  it("allows the same name in another org", async () => {
    const [a, b] = [await orgWith(), await orgWith()];
    await createProject(a.id, a.owner.cookie, { name: "shared-name" });
    expect((await api(`/api/orgs/${b.id}/projects`, { body: { name: "shared-name" }, as: b.owner.cookie })).status).toBe(201);
  });

  it("creates exactly one of many concurrent projects with the same name", async () => {
    const org = await orgWith({ users: 3 });
    const people = [org.owner, ...org.users];
    const responses = await Promise.all(
      people.flatMap((person, i) => [
        api(`/api/orgs/${org.id}/projects`, { body: { name: i % 2 ? "Race" : "race" }, as: person.cookie }),
        api(`/api/orgs/${org.id}/projects`, { body: { name: "RACE" }, as: person.cookie }),
      ]),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(responses.length - 1);
    const { results } = await env.DB.prepare("SELECT id FROM project WHERE org_id = ?").bind(org.id).all();
    expect(results).toHaveLength(1);
  });

  it("creates once for two requests with the same Idempotency-Key", async () => {
    const org = await orgWith();
    const request = { body: { name: "once" }, as: org.owner.cookie, headers: { "Idempotency-Key": "project-once" } };
    const first = await api(`/api/orgs/${org.id}/projects`, request);
    const second = await api(`/api/orgs/${org.id}/projects`, request);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
  });

  it("answers 404 to a non-member, as for an org that does not exist", async () => {
    const org = await orgWith();
    const outsider = await orgWith();
    expect((await api(`/api/orgs/${org.id}/projects`, { body: { name: "x" }, as: outsider.owner.cookie })).status).toBe(404);
    expect((await api(`/api/orgs/nope/projects`, { body: { name: "x" }, as: outsider.owner.cookie })).status).toBe(404);
  });
});

describe("GET /api/orgs/:orgId/projects and /projects/:id", () => {
  it("lists every project of the org to every member, and shows one", async () => {
    const org = await orgWith({ admins: 1, users: 1 });
    const mine = await createProject(org.id, org.users[0]!.cookie, { name: "users" });
    const owners = await createProject(org.id, org.owner.cookie, { name: "owners", description: "the Owner's" });
    for (const person of [org.owner, org.admins[0]!, org.users[0]!]) {
      const list = await api(`/api/orgs/${org.id}/projects`, { as: person.cookie });
      expect(list.status).toBe(200);
      expect(list.body).toEqual({ projects: [mine, owners] });
    }
    const token = await tokenFor(org.admins[0]!);
    const one = await api(`/api/orgs/${org.id}/projects/${owners.id}`, { as: token });
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ project: owners });
  });

  it("answers 404 for an unknown project and for another org's, and to non-members", async () => {
    const org = await orgWith();
    const other = await orgWith();
    const theirs = await createProject(other.id, other.owner.cookie);
    expect((await api(`/api/orgs/${org.id}/projects/${theirs.id}`, { as: org.owner.cookie })).status).toBe(404);
    expect((await api(`/api/orgs/${org.id}/projects/unknown`, { as: org.owner.cookie })).body.error.code).toBe("not_found");
    expect((await api(`/api/orgs/${other.id}/projects`, { as: org.owner.cookie })).status).toBe(404);
    expect((await api(`/api/orgs/${other.id}/projects/${theirs.id}`, { as: org.owner.cookie })).status).toBe(404);
  });

  it("answers 401 without credentials", async () => {
    const org = await orgWith();
    expect((await api(`/api/orgs/${org.id}/projects`)).status).toBe(401);
  });
});

describe("DELETE /api/orgs/:orgId/projects/:id", () => {
  it("deletes the caller's own project with 204; the name is free again", async () => {
    const org = await orgWith();
    const project = await createProject(org.id, org.owner.cookie, { name: "gone" });
    const response = await api(`/api/orgs/${org.id}/projects/${project.id}`, { method: "DELETE", as: org.owner.cookie });
    expect(response.status).toBe(204);
    expect(response.body).toBe("");
    expect((await api(`/api/orgs/${org.id}/projects/${project.id}`, { as: org.owner.cookie })).status).toBe(404);
    expect((await api(`/api/orgs/${org.id}/projects`, { body: { name: "GONE" }, as: org.owner.cookie })).status).toBe(201);
  });

  it.each(["owner", "admin", "user"] as const)("refuses a(n) %s deleting another member's project with 403", async (role) => {
    const org = await orgWith({ admins: 1, users: 2 });
    const actor = role === "owner" ? org.owner : role === "admin" ? org.admins[0]! : org.users[0]!;
    const project = await createProject(org.id, org.users[1]!.cookie);
    const response = await api(`/api/orgs/${org.id}/projects/${project.id}`, { method: "DELETE", as: actor.cookie });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe("forbidden");
    expect((await api(`/api/orgs/${org.id}/projects/${project.id}`, { as: actor.cookie })).status).toBe(200);
  });

  it("answers 404 to a non-member and for another org's project", async () => {
    const org = await orgWith();
    const other = await orgWith();
    const theirs = await createProject(other.id, other.owner.cookie);
    expect((await api(`/api/orgs/${other.id}/projects/${theirs.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(404);
    expect((await api(`/api/orgs/${org.id}/projects/${theirs.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(404);
    expect((await api(`/api/orgs/${other.id}/projects/${theirs.id}`, { as: other.owner.cookie })).status).toBe(200);
  });
});
