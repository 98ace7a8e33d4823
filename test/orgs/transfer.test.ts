import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { orgWith } from "../support/org-factories";

const transfer = (orgId: string, body: unknown, as: { cookie: string }, headers?: Record<string, string>) =>
  api(`/api/orgs/${orgId}/transfer`, { body, as, ...(headers ? { headers } : {}) });

describe("POST /api/orgs/:orgId/transfer", () => {
  it("makes the Admin the Owner and the caller an Admin", async () => {
    const org = await orgWith({ admins: 1 });
    const grace = org.admins[0]!;
    const response = await transfer(
      org.id,
      { userId: grace.id, confirmOrgName: org.name, confirmUsername: grace.username },
      org.owner.cookie,
    );
    expect(response.status).toBe(200);
    expect(response.body.role).toBe("admin");
    expect(response.body.leadership[0]).toMatchObject({ userId: grace.id, role: "owner" });
    expect((await api("/api/me", { as: grace.cookie })).body.role).toBe("owner");
    expect((await api("/api/me", { as: org.owner.cookie })).body.role).toBe("admin");
    const events = (await api(`/api/orgs/${org.id}/events`, { as: grace.cookie })).body.events;
    expect(events[0]).toMatchObject({ action: "ownership.transferred", actor: { userId: org.owner.id }, target: { userId: grace.id } });
    // The old Owner, now an Admin, may leave; the new one may not.
    expect((await api(`/api/orgs/${org.id}/leave`, { method: "POST", as: grace.cookie })).status).toBe(409);
    expect((await api(`/api/orgs/${org.id}/leave`, { method: "POST", as: org.owner.cookie })).status).toBe(200);
  });

  it.each([
    ["the org name in other case", (name: string, username: string) => ({ confirmOrgName: name.toUpperCase(), confirmUsername: username })],
    ["the org name with a trailing space", (name: string, username: string) => ({ confirmOrgName: `${name} `, confirmUsername: username })],
    ["the wrong username", (name: string) => ({ confirmOrgName: name, confirmUsername: "someone-else" })],
    ["an empty confirmation", () => ({ confirmOrgName: "", confirmUsername: "" })],
  ])("refuses %s with 400 confirmation_mismatch and changes nothing", async (_label, confirm) => {
    const org = await orgWith({ admins: 1 });
    const grace = org.admins[0]!;
    const response = await transfer(org.id, { userId: grace.id, ...confirm(org.name, grace.username) }, org.owner.cookie);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("confirmation_mismatch");
    expect((await api("/api/me", { as: org.owner.cookie })).body.role).toBe("owner");
    expect((await api("/api/me", { as: grace.cookie })).body.role).toBe("admin");
  });

  it("refuses a User as target with 409 target_not_admin", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const response = await transfer(org.id, { userId: sam.id, confirmOrgName: org.name, confirmUsername: sam.username }, org.owner.cookie);
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe("target_not_admin");
  });

  it("refuses the Owner as their own target with 409 target_not_admin", async () => {
    const org = await orgWith();
    const response = await transfer(
      org.id,
      { userId: org.owner.id, confirmOrgName: org.name, confirmUsername: org.owner.username },
      org.owner.cookie,
    );
    expect(response.status).toBe(409);
  });

  it("answers 404 for a target outside the org and 400 for a malformed body", async () => {
    const org = await orgWith();
    const other = await orgWith();
    const outside = await transfer(
      org.id,
      { userId: other.owner.id, confirmOrgName: org.name, confirmUsername: other.owner.username },
      org.owner.cookie,
    );
    expect(outside.status).toBe(404);
    expect((await transfer(org.id, { userId: other.owner.id }, org.owner.cookie)).status).toBe(400);
  });

  it("applies a retry with the same Idempotency-Key once and answers it the same", async () => {
    const org = await orgWith({ admins: 1 });
    const grace = org.admins[0]!;
    const body = { userId: grace.id, confirmOrgName: org.name, confirmUsername: grace.username };
    const headers = { "Idempotency-Key": "transfer-once-1" };
    const first = await transfer(org.id, body, org.owner.cookie, headers);
    // The caller is an Admin now: only the stored answer of the first attempt can say 200.
    const retry = await transfer(org.id, body, org.owner.cookie, headers);
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect((await api("/api/me", { as: grace.cookie })).body.role).toBe("owner");
    // A new key is a new request, refused on the state as it is now.
    const fresh = await transfer(org.id, body, org.owner.cookie, { "Idempotency-Key": "transfer-once-2" });
    expect(fresh.status).toBe(403);
    const events = (await api(`/api/orgs/${org.id}/events`, { as: grace.cookie })).body.events;
    expect(events.filter((e: { action: string }) => e.action === "ownership.transferred")).toHaveLength(1);
  });
});
