import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { insertVolumeIfMember } from "../../src/db/volume-queries";
import { api } from "../support/client";
import { unique } from "../support/factories";
import { expectInvariants } from "../support/invariants";
import { insertVolumes, newMember, orgWith, type TestOrg } from "../support/org-factories";

async function rows<T = Record<string, unknown>>(query: string, ...params: unknown[]): Promise<T[]> {
  return (
    await env.DB.prepare(query)
      .bind(...params)
      .all<T>()
  ).results;
}

async function count(query: string, ...params: unknown[]): Promise<number> {
  return (await env.DB.prepare(query)
    .bind(...params)
    .first<{ n: number }>())!.n;
}

async function roleIn(orgId: string, userId: string): Promise<string | null> {
  const [row] = await rows<{ role: string }>("SELECT role FROM membership WHERE org_id = ? AND user_id = ?", orgId, userId);
  return row?.role ?? null;
}

async function countEvents(orgId: string, action: string): Promise<number> {
  return count("SELECT count(*) AS n FROM audit_event WHERE org_id = ? AND action = ?", orgId, action);
}

const transferBody = (org: TestOrg, target: { id: string; username: string }) => ({
  userId: target.id,
  confirmOrgName: org.name,
  confirmUsername: target.username,
});

describe("concurrent mutations of one org", () => {
  it("resolves a transfer racing the target's leave to exactly one of them", { timeout: 30_000 }, async () => {
    for (let round = 0; round < 3; round += 1) {
      const org = await orgWith({ admins: 1 });
      const grace = org.admins[0]!;
      const [transfer, leave] = await Promise.all([
        api(`/api/orgs/${org.id}/transfer`, { body: transferBody(org, grace), as: org.owner.cookie }),
        api(`/api/orgs/${org.id}/leave`, { method: "POST", as: grace.cookie }),
      ]);
      const outcome = [transfer.status, leave.status];
      expect([
        [200, 409],
        [404, 200],
      ]).toContainEqual(outcome);
      if (transfer.status === 200) {
        expect(await roleIn(org.id, grace.id)).toBe("owner");
        expect(await roleIn(org.id, org.owner.id)).toBe("admin");
      } else {
        expect(await roleIn(org.id, grace.id)).toBeNull();
        expect(await roleIn(org.id, org.owner.id)).toBe("owner");
      }
      await expectInvariants(org.id);
    }
  });

  it("resolves a promotion racing the removal of the same member: the member ends removed", { timeout: 30_000 }, async () => {
    for (let round = 0; round < 3; round += 1) {
      const org = await orgWith({ users: 1 });
      const sam = org.users[0]!;
      await insertVolumes(org.id, sam.id, 3);
      const [promote, remove] = await Promise.all([
        api(`/api/orgs/${org.id}/members/${sam.id}/role`, { method: "PUT", body: { role: "admin" }, as: org.owner.cookie }),
        api(`/api/orgs/${org.id}/members/${sam.id}`, { method: "DELETE", as: org.owner.cookie }),
      ]);
      expect(remove.status).toBe(204);
      expect([200, 404]).toContain(promote.status);
      expect(await roleIn(org.id, sam.id)).toBeNull();
      expect(await countEvents(org.id, "role.changed")).toBe(promote.status === 200 ? 1 : 0);
      expect(await rows("SELECT id FROM volume WHERE org_id = ? AND owner_id = ?", org.id, org.owner.id)).toHaveLength(3);
      await expectInvariants(org.id);
    }
  });

  it("applies two removals of the same member once", async () => {
    const org = await orgWith({ admins: 1 });
    const sam = await newMember(org.id, "user");
    await insertVolumes(org.id, sam.id, 4);
    const results = await Promise.all([
      api(`/api/orgs/${org.id}/members/${sam.id}`, { method: "DELETE", as: org.owner.cookie }),
      api(`/api/orgs/${org.id}/members/${sam.id}`, { method: "DELETE", as: org.admins[0]!.cookie }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([204, 404]);
    expect(await countEvents(org.id, "member.removed")).toBe(1);
    expect(await countEvents(org.id, "volumes.moved")).toBe(1);
    expect(await rows("SELECT id FROM volume WHERE org_id = ? AND owner_id = ?", org.id, org.owner.id)).toHaveLength(4);
    await expectInvariants(org.id);
  });

  it("applies a double-submitted transfer once, with or without an Idempotency-Key", async () => {
    const org = await orgWith({ admins: 1 });
    const grace = org.admins[0]!;
    const twice = await Promise.all(
      [1, 2].map(() => api(`/api/orgs/${org.id}/transfer`, { body: transferBody(org, grace), as: org.owner.cookie })),
    );
    expect(twice.map((r) => r.status).sort()).toEqual([200, 403]);

    const keyed = await orgWith({ admins: 1 });
    const ada = keyed.admins[0]!;
    const headers = { "Idempotency-Key": unique("transfer-") };
    const same = await Promise.all(
      [1, 2].map(() => api(`/api/orgs/${keyed.id}/transfer`, { body: transferBody(keyed, ada), as: keyed.owner.cookie, headers })),
    );
    expect(same.map((r) => r.status)).toEqual([200, 200]);

    for (const [o, newOwner] of [
      [org, grace],
      [keyed, ada],
    ] as const) {
      expect(await countEvents(o.id, "ownership.transferred")).toBe(1);
      expect(await roleIn(o.id, newOwner.id)).toBe("owner");
      await expectInvariants(o.id);
    }
  });

  it("either moves or refuses a volume created while its owner is being removed", async () => {
    const org = await orgWith();
    const sam = await newMember(org.id, "user");
    const [removal, ...creations] = await Promise.all([
      api(`/api/orgs/${org.id}/members/${sam.id}`, { method: "DELETE", as: org.owner.cookie }),
      ...Array.from({ length: 8 }, (_, i) =>
        api(`/api/orgs/${org.id}/volumes`, { body: { name: `late ${i}`, sizeGb: 1 }, as: sam.cookie }),
      ),
    ]);
    expect(removal.status).toBe(204);
    const made = creations.filter((r) => r.status === 201);
    expect(creations.every((r) => r.status === 201 || r.status === 404)).toBe(true);
    const volumes = await rows<{ id: string; owner_id: string }>("SELECT id, owner_id FROM volume WHERE org_id = ?", org.id);
    expect(volumes.map((v) => v.id).sort()).toEqual(made.map((r) => r.body.volume.id).sort());
    expect(volumes.every((v) => v.owner_id === org.owner.id)).toBe(true);
    await expectInvariants(org.id);
  });

  it("keeps volumes safe in SQL alone: inserts that bypass the org's queue race a removal without loss", async () => {
    const org = await orgWith();
    const sam = await newMember(org.id, "user");
    const db = createDb(env.DB);
    const ids = Array.from({ length: 10 }, () => unique("raw"));
    const inserts = ids.map((id, i) =>
      db.batch([insertVolumeIfMember(db, { id, orgId: org.id, ownerId: sam.id, name: `raw ${i}`, sizeGb: 1, createdAt: new Date() })]),
    );
    const [removal] = await Promise.all([
      api(`/api/orgs/${org.id}/members/${sam.id}`, { method: "DELETE", as: org.owner.cookie }),
      ...inserts,
    ]);
    expect(removal.status).toBe(204);
    const volumes = await rows<{ owner_id: string }>("SELECT owner_id FROM volume WHERE org_id = ?", org.id);
    expect(volumes.every((v) => v.owner_id === org.owner.id)).toBe(true);
    await expectInvariants(org.id);
    // Once the membership is gone the conditional insert makes nothing.
    await db.batch([
      insertVolumeIfMember(db, { id: unique("after"), orgId: org.id, ownerId: sam.id, name: "after", sizeGb: 1, createdAt: new Date() }),
    ]);
    expect(await rows("SELECT id FROM volume WHERE org_id = ? AND owner_id = ?", org.id, sam.id)).toEqual([]);
  });

  it("keeps every invariant through 50 mixed mutations at once", { timeout: 60_000 }, async () => {
    const org = await orgWith({ admins: 3, users: 8 });
    const everyone = [org.owner, ...org.admins, ...org.users];
    for (const member of [...org.admins, ...org.users]) await insertVolumes(org.id, member.id, 2);
    const before = await count("SELECT count(*) AS n FROM volume WHERE org_id = ?", org.id);
    const existing = await rows<{ id: string; owner_id: string }>("SELECT id, owner_id FROM volume WHERE org_id = ?", org.id);

    // mulberry32: a fixed seed, so a failure replays the same mix.
    let seed = 0x5eed;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
    const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
    type Kind = "promote" | "demote" | "remove" | "leave" | "transfer" | "patch" | "createVolume" | "deleteVolume";
    const kinds: Kind[] = ["promote", "demote", "remove", "leave", "transfer", "patch", "createVolume", "deleteVolume"];
    const requests = Array.from({ length: 50 }, (_, i) => {
      const kind = kinds[i % kinds.length]!;
      const actor = pick(everyone);
      const target = pick(everyone.slice(1));
      const base = `/api/orgs/${org.id}`;
      const as = actor.cookie;
      const call =
        kind === "promote" || kind === "demote"
          ? api(`${base}/members/${target.id}/role`, {
              method: "PUT",
              body: { role: kind === "promote" ? "admin" : "user" },
              as: org.owner.cookie,
            })
          : kind === "remove"
            ? api(`${base}/members/${target.id}`, { method: "DELETE", as: pick([org.owner, ...org.admins]).cookie })
            : kind === "leave"
              ? api(`${base}/leave`, { method: "POST", as })
              : kind === "transfer"
                ? api(`${base}/transfer`, { body: transferBody(org, target), as: pick([org.owner, ...org.admins]).cookie })
                : kind === "patch"
                  ? api(base, { method: "PATCH", body: { description: `edit ${i}` }, as })
                  : kind === "createVolume"
                    ? api(`${base}/volumes`, { body: { name: `new ${i}`, sizeGb: 1 }, as })
                    : api(`${base}/volumes/${pick(existing).id}`, { method: "DELETE", as });
      return call.then((response) => ({ kind, status: response.status }));
    });
    const results = await Promise.all(requests);

    expect(
      results.filter((r) => r.status >= 500),
      "no 5xx",
    ).toEqual([]);
    await expectInvariants(org.id);
    const created = results.filter((r) => r.kind === "createVolume" && r.status === 201).length;
    const deleted = results.filter((r) => r.kind === "deleteVolume" && r.status === 204).length;
    const after = await count("SELECT count(*) AS n FROM volume WHERE org_id = ?", org.id);
    expect(after, "volumes are conserved").toBe(before + created - deleted);
    const departures = results.filter((r) => (r.kind === "remove" && r.status === 204) || (r.kind === "leave" && r.status === 200)).length;
    expect((await countEvents(org.id, "member.removed")) + (await countEvents(org.id, "member.left"))).toBe(departures);
    expect(await countEvents(org.id, "ownership.transferred")).toBe(
      results.filter((r) => r.kind === "transfer" && r.status === 200).length,
    );
    const members = await count("SELECT count(*) AS n FROM membership WHERE org_id = ?", org.id);
    expect(members).toBe(everyone.length - departures);
  });
});
