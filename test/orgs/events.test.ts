import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { orgWith } from "../support/org-factories";

describe("GET /api/orgs/:orgId/events", () => {
  it("records the org's creation with its actor", async () => {
    const org = await orgWith();
    const response = await api(`/api/orgs/${org.id}/events`, { as: org.owner.cookie });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      events: [
        {
          id: expect.any(String),
          at: expect.stringMatching(/Z$/),
          action: "org.created",
          actor: { userId: org.owner.id, username: org.owner.username },
          details: { name: org.name },
        },
      ],
      nextCursor: null,
    });
  });

  it("pages newest first with a cursor until nextCursor is null", async () => {
    const org = await orgWith();
    for (let i = 0; i < 6; i += 1) {
      await api(`/api/orgs/${org.id}`, { method: "PATCH", body: { description: `edit ${i}` }, as: org.owner.cookie });
    }
    const seen: string[] = [];
    let cursor = "";
    const pages: number[] = [];
    do {
      const page = await api(`/api/orgs/${org.id}/events?limit=3&cursor=${cursor}`, { as: org.owner.cookie });
      expect(page.status).toBe(200);
      pages.push(page.body.events.length);
      seen.push(...page.body.events.map((e: { id: string }) => e.id));
      cursor = page.body.nextCursor ?? "";
    } while (cursor);
    expect(pages).toEqual([3, 3, 1]);
    expect(new Set(seen).size).toBe(7);
    expect([...seen].sort().reverse()).toEqual(seen);
    const all = await api(`/api/orgs/${org.id}/events`, { as: org.owner.cookie });
    expect(all.body.events.map((e: { id: string }) => e.id)).toEqual(seen);
    expect(all.body.events[0].details).toEqual({ fields: ["description"] });
    expect(all.body.events.at(-1).action).toBe("org.created");
  });

  it.each(["0", "101", "ten"])("refuses limit=%s with 400", async (limit) => {
    const org = await orgWith();
    const response = await api(`/api/orgs/${org.id}/events?limit=${limit}`, { as: org.owner.cookie });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_request");
  });

  it("lets Admins read it and refuses Users with 403", async () => {
    const org = await orgWith({ admins: 1, users: 1 });
    expect((await api(`/api/orgs/${org.id}/events`, { as: org.admins[0]!.cookie })).status).toBe(200);
    expect((await api(`/api/orgs/${org.id}/events`, { as: org.users[0]!.cookie })).status).toBe(403);
  });

  it("does not show one org's events to another", async () => {
    const org = await orgWith();
    const other = await orgWith();
    const response = await api(`/api/orgs/${other.id}/events`, { as: other.owner.cookie });
    expect(response.body.events.every((e: { actor: { userId: string } }) => e.actor.userId !== org.owner.id)).toBe(true);
  });
});
