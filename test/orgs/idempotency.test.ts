import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { unique } from "../support/factories";
import { orgWith } from "../support/org-factories";

const keyed = (key: string) => ({ "Idempotency-Key": key });
const profileOf = async (orgId: string, as: { cookie: string }) => (await api(`/api/orgs/${orgId}`, { as })).body.org;
const memberIds = async (orgId: string, as: { cookie: string }) =>
  ((await api(`/api/orgs/${orgId}/members`, { as })).body.members as { userId: string }[]).map((m) => m.userId);

describe("Idempotency-Key replays", () => {
  it("answer a member who was removed since with 404, not with the org as it is now", async () => {
    const org = await orgWith({ admins: 1 });
    const ada = org.admins[0]!;
    const key = unique("edit-");
    const edit = { method: "PATCH", body: { description: "Ada's words." }, as: ada.cookie, headers: keyed(key) };
    expect((await api(`/api/orgs/${org.id}`, edit)).status).toBe(200);
    expect((await api(`/api/orgs/${org.id}`, { method: "PATCH", body: { name: "Renamed since" }, as: org.owner.cookie })).status).toBe(200);
    expect((await api(`/api/orgs/${org.id}/members/${ada.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(204);

    const replay = await api(`/api/orgs/${org.id}`, edit);
    expect(replay.status).toBe(404);
    expect(replay.body.error.code).toBe("not_found");
    expect(JSON.stringify(replay.body)).not.toContain("Renamed since");
  });

  it("refuse the same key for another target with 409 conflict, and the other target stays", async () => {
    const org = await orgWith({ users: 2 });
    const [first, second] = org.users;
    const key = unique("remove-");
    const remove = (userId: string) =>
      api(`/api/orgs/${org.id}/members/${userId}`, { method: "DELETE", as: org.owner.cookie, headers: keyed(key) });
    expect((await remove(first!.id)).status).toBe(204);

    const reused = await remove(second!.id);
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe("conflict");
    expect(await memberIds(org.id, org.owner.cookie)).toContain(second!.id);
    // The same request again is still answered as the first time.
    expect((await remove(first!.id)).status).toBe(204);
  });

  it("refuse the same key with another body with 409, changing nothing", async () => {
    const org = await orgWith();
    const key = unique("patch-");
    const patch = (description: string) =>
      api(`/api/orgs/${org.id}`, { method: "PATCH", body: { description }, as: org.owner.cookie, headers: keyed(key) });
    expect((await patch("first")).status).toBe(200);
    const reused = await patch("second");
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe("conflict");
    expect((await profileOf(org.id, org.owner.cookie)).description).toBe("first");
  });

  it("refuse the same key on another route with 409, so one key is never two commands", async () => {
    const org = await orgWith();
    const headers = keyed(unique("make-"));
    expect((await api(`/api/orgs/${org.id}/volumes`, { body: { name: "vol", sizeGb: 1 }, as: org.owner.cookie, headers })).status).toBe(
      201,
    );
    const machine = await api(`/api/orgs/${org.id}/machines`, {
      body: { name: "box", hostname: "box.local", gpus: 1 },
      as: org.owner.cookie,
      headers,
    });
    expect(machine.status).toBe(409);
    expect((await api(`/api/orgs/${org.id}/machines`, { as: org.owner.cookie })).body.machines).toEqual([]);
  });

  it("answer a repeated transfer with the stored answer, not a fresh read", async () => {
    const org = await orgWith({ admins: 1 });
    const grace = org.admins[0]!;
    const request = {
      body: { userId: grace.id, confirmOrgName: org.name, confirmUsername: grace.username },
      as: org.owner.cookie,
      headers: keyed(unique("transfer-")),
    };
    const first = await api(`/api/orgs/${org.id}/transfer`, request);
    expect(first.status).toBe(200);
    expect((await api(`/api/orgs/${org.id}`, { method: "PATCH", body: { name: "After the transfer" }, as: grace.cookie })).status).toBe(
      200,
    );

    const replay = await api(`/api/orgs/${org.id}/transfer`, request);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect(replay.body.org.name).toBe(org.name);
  });

  it("answer a retried leave from its stored answer once the member is gone", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const leave = { method: "POST", as: sam.cookie, headers: keyed(unique("leave-")) };
    expect((await api(`/api/orgs/${org.id}/leave`, leave)).body).toEqual({ org: null, role: null });
    const again = await api(`/api/orgs/${org.id}/leave`, leave);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ org: null, role: null });
    // A fresh leave by someone who is no member is 404, as before.
    expect((await api(`/api/orgs/${org.id}/leave`, { method: "POST", as: sam.cookie })).status).toBe(404);
  });
});
