import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { findMemberWithMachines } from "../../src/db/org-queries";
import type { Statement } from "../../src/db/batch";
import { decideChangeRole, type SeenRoleChange } from "../../src/durable/membership-commands";
import { AppError } from "../../src/errors";
import { orgClient } from "../../src/services/org-client";
import { api, type Credential } from "../support/client";
import { expectInvariants } from "../support/invariants";
import { orgWith, type TestOrg } from "../support/org-factories";

/*
 * A role change is first decided on what the edge read beside the principal (the actor's role,
 * the target and their machines) and committed without reading, under guards. These give the
 * object views that are stale in each way the rules care about: the answer must be the one a
 * fresh read gives, and nothing may be written twice or wrongly.
 */

async function one<T>(query: string, ...params: unknown[]): Promise<T | null> {
  return env.DB.prepare(query)
    .bind(...params)
    .first<T>();
}

const roleOf = async (orgId: string, userId: string) =>
  (await one<{ role: string }>("SELECT role FROM membership WHERE org_id = ? AND user_id = ?", orgId, userId))?.role ?? null;
const roleEvents = async (orgId: string) =>
  (await one<{ n: number }>("SELECT count(*) AS n FROM audit_event WHERE org_id = ? AND action = 'role.changed'", orgId))!.n;

async function seenNow(org: TestOrg, targetId: string): Promise<SeenRoleChange> {
  const target = await findMemberWithMachines(createDb(env.DB), org.id, targetId);
  if (!target) throw new Error("no such member");
  return { actor: { role: "owner", username: org.owner.username }, target };
}

const asOwner = (org: TestOrg, key?: string) =>
  orgClient(env, org.id, { actorId: org.owner.id, idempotency: key ? { key, fingerprint: "test" } : undefined });

async function addMachine(org: TestOrg, as: Credential, name: string): Promise<{ id: string; name: string }> {
  const created = await api(`/api/orgs/${org.id}/machines`, { body: { name }, as });
  expect(created.status).toBe(201);
  return { id: created.body.machine.id, name: created.body.machine.name };
}

describe("a role change decided on what the edge saw", () => {
  it("commits on a current view: the role, one audit event, the answer with the target's machines", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    // Names that JSON and SQLite must agree on, for the machines guard to pass.
    const machines = [await addMachine(org, sam.cookie, 'rig "α" \\ 🚀'), await addMachine(org, sam.cookie, "box/2 <b>&amp;</b>")];
    const seen = await seenNow(org, sam.id);
    expect(seen.target.machines).toEqual(machines);
    // The first attempt's statements, as the object commits them: every guard holds.
    const db = createDb(env.DB);
    const input = {
      operationId: crypto.randomUUID(),
      orgId: org.id,
      actorId: org.owner.id,
      targetId: sam.id,
      role: "admin" as const,
      seen,
    };
    const decision = await decideChangeRole(db, input, new Date(), 0);
    if (!decision.ok) throw new Error(decision.code);
    await db.batch(decision.statements as [Statement, ...Statement[]]);
    expect(decision.value.member).toMatchObject({ userId: sam.id, role: "admin", machines });
    expect(await roleOf(org.id, sam.id)).toBe("admin");
    expect(await roleEvents(org.id)).toBe(1);
    await expectInvariants(org.id);
  });

  it("answers a no-op when the target already has the role, though the view said otherwise", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const stale = await seenNow(org, sam.id);
    await asOwner(org).changeRole({ targetId: sam.id, role: "admin" });
    const { member } = await asOwner(org).changeRole({ targetId: sam.id, role: "admin", seen: stale });
    expect(member.role).toBe("admin");
    expect(await roleEvents(org.id)).toBe(1);
  });

  it("answers with the machines as they are now, not as seen", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const stale = await seenNow(org, sam.id);
    const rig = await addMachine(org, sam.cookie, "rig");
    const { member } = await asOwner(org).changeRole({ targetId: sam.id, role: "admin", seen: stale });
    expect(member.machines).toEqual([rig]);
    expect(await roleEvents(org.id)).toBe(1);
  });

  it("refuses an actor who is no longer the Owner, and a target who has left", async () => {
    const org = await orgWith({ admins: 1, users: 1 });
    const [ada, sam] = [org.admins[0]!, org.users[0]!];
    const staleSam = await seenNow(org, sam.id);
    const left = await api(`/api/orgs/${org.id}/leave`, { method: "POST", as: sam.cookie });
    expect(left.status).toBe(200);
    await expect(asOwner(org).changeRole({ targetId: sam.id, role: "admin", seen: staleSam })).rejects.toMatchObject({
      code: "not_found",
    });

    const staleAda = await seenNow(org, ada.id);
    const transfer = await api(`/api/orgs/${org.id}/transfer`, {
      body: { userId: ada.id, confirmOrgName: org.name, confirmUsername: ada.username },
      as: org.owner.cookie,
    });
    expect(transfer.status).toBe(200);
    // The former Owner, now an Admin, still holds a view that says Owner and Admin.
    const error = await asOwner(org)
      .changeRole({ targetId: ada.id, role: "user", seen: staleAda })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("forbidden");
    expect(await roleOf(org.id, ada.id)).toBe("owner");
    expect(await roleEvents(org.id)).toBe(0);
    await expectInvariants(org.id);
  });

  it("answers a replay of the same key from its stored result, applied once", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const seen = await seenNow(org, sam.id);
    const first = await asOwner(org, "k1").changeRole({ targetId: sam.id, role: "admin", seen });
    const again = await asOwner(org, "k1").changeRole({ targetId: sam.id, role: "admin", seen });
    expect(again).toEqual(first);
    // Demoted meanwhile: the replay still answers what the first application did.
    await asOwner(org).changeRole({ targetId: sam.id, role: "user" });
    expect(await asOwner(org, "k1").changeRole({ targetId: sam.id, role: "admin", seen })).toEqual(first);
    expect(await roleOf(org.id, sam.id)).toBe("user");
    expect(await roleEvents(org.id)).toBe(2);
  });

  it("applies concurrent promotes and demotes through the API with every view racing", { timeout: 30_000 }, async () => {
    const org = await orgWith({ users: 6 });
    const requests = org.users.flatMap((member) =>
      ["admin", "user", "admin"].map((role) =>
        api(`/api/orgs/${org.id}/members/${member.id}/role`, { method: "PUT", body: { role }, as: org.owner.cookie }),
      ),
    );
    const answers = await Promise.all(requests);
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    const events = await roleEvents(org.id);
    // Each member's final role is what its last committed change says, and every event was a real change.
    for (const member of org.users) expect(["admin", "user"]).toContain(await roleOf(org.id, member.id));
    const flips = await env.DB.prepare(
      "SELECT target_id, json_extract(details, '$.from') AS f, json_extract(details, '$.to') AS t FROM audit_event WHERE org_id = ? AND action = 'role.changed' ORDER BY id",
    )
      .bind(org.id)
      .all<{ target_id: string; f: string; t: string }>();
    expect(flips.results.length).toBe(events);
    for (const member of org.users) {
      let role = "user";
      for (const flip of flips.results.filter((row) => row.target_id === member.id)) {
        expect(flip.f).toBe(role);
        expect(flip.t).not.toBe(flip.f);
        role = flip.t;
      }
      expect(await roleOf(org.id, member.id)).toBe(role);
    }
    await expectInvariants(org.id);
  });
});
