import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { orgWith } from "../support/org-factories";
import { bytesOf } from "../support/bytes";
import { createProject, getBytes, putArchive } from "./helpers";

describe("a departing member's projects", () => {
  it.each([
    ["is removed by the Owner", "remove"],
    ["leaves", "leave"],
  ] as const)("become the Owner's, archives whole, when the member %s", async (_, how) => {
    const org = await orgWith({ users: 2 });
    const [sam, kim] = [org.users[0]!, org.users[1]!];
    const first = await createProject(org.id, sam.cookie, { name: "first" });
    const second = await createProject(org.id, sam.cookie, { name: "second" });
    const kims = await createProject(org.id, kim.cookie, { name: "kim's" });
    await putArchive(`/api/orgs/${org.id}/projects/${first.id}/archive`, bytesOf("sam's code"), sam.cookie);

    const departed =
      how === "remove"
        ? await api(`/api/orgs/${org.id}/members/${sam.id}`, { method: "DELETE", as: org.owner.cookie })
        : await api(`/api/orgs/${org.id}/leave`, { method: "POST", as: sam.cookie });
    expect(departed.status).toBe(how === "remove" ? 204 : 200);

    const { projects } = (await api(`/api/orgs/${org.id}/projects`, { as: org.owner.cookie })).body;
    const owners = Object.fromEntries(projects.map((p: { id: string; ownerId: string }) => [p.id, p.ownerId]));
    expect(owners).toEqual({ [first.id]: org.owner.id, [second.id]: org.owner.id, [kims.id]: kim.id });
    const download = await getBytes(`/api/orgs/${org.id}/projects/${first.id}/archive`, org.owner.cookie);
    expect(new TextDecoder().decode(download.bytes)).toBe("sam's code");

    // The Owner now changes them; the departed member no longer sees them.
    expect((await putArchive(`/api/orgs/${org.id}/projects/${second.id}/archive`, bytesOf("owner's now"), org.owner.cookie)).status).toBe(
      200,
    );
    expect((await api(`/api/orgs/${org.id}/projects/${first.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(204);
    expect((await api(`/api/orgs/${org.id}/projects`, { as: sam.cookie })).status).toBe(404);
    const { results } = await env.DB.prepare("SELECT id FROM project WHERE org_id = ? AND owner_id = ?").bind(org.id, sam.id).all();
    expect(results).toEqual([]);
  });

  it("never leaves a project with a departed owner when it is made during the removal", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const [created, removed] = await Promise.all([
      api(`/api/orgs/${org.id}/projects`, { body: { name: "racing" }, as: sam.cookie }),
      api(`/api/orgs/${org.id}/members/${sam.id}`, { method: "DELETE", as: org.owner.cookie }),
    ]);
    expect(removed.status).toBe(204);
    expect([201, 404]).toContain(created.status);
    const { results } = await env.DB.prepare("SELECT owner_id FROM project WHERE org_id = ?").bind(org.id).all<{ owner_id: string }>();
    expect(results.every((row) => row.owner_id === org.owner.id)).toBe(true);
    expect(results).toHaveLength(created.status === 201 ? 1 : 0);
  });
});
