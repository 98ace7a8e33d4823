import { abortAllDurableObjects, evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

// Each test signs its people up (password hashing) and builds its org through the API.
const SLOW = 30_000;
import { orgSnapshot } from "../support/org-state";
import { api } from "../support/client";
import { unique } from "../support/factories";
import { MUTATIONS, send } from "./commands";
import { gate, injectCommitFault } from "./faulty-d1";
import { expectInvariants } from "../support/invariants";
import { faultOrg } from "./org-fixture";

const removal = MUTATIONS.find((spec) => spec.name === "removing a User")!;
const transfer = MUTATIONS.find((spec) => spec.name === "transferring ownership")!;

describe("evicting the org object", () => {
  it(
    "between mutations loses nothing: each next command runs on a fresh instance",
    async () => {
      const org = await faultOrg({ admins: 2, users: 2 });
      const stub = env.ORG.getByName(org.orgId);
      const steps = [
        () =>
          api(`/api/orgs/${org.orgId}/members/${org.users[0]!.id}/role`, { method: "PUT", body: { role: "admin" }, as: org.owner.token }),
        () => api(`/api/orgs/${org.orgId}/members/${org.users[1]!.id}`, { method: "DELETE", as: org.admins[0]!.token }),
        () => api(`/api/orgs/${org.orgId}/leave`, { method: "POST", as: org.admins[1]!.token }),
        () =>
          api(`/api/orgs/${org.orgId}/transfer`, {
            method: "POST",
            body: { userId: org.admins[0]!.id, confirmOrgName: org.orgName, confirmUsername: org.admins[0]!.username },
            as: org.owner.token,
          }),
      ];
      for (const step of steps) {
        await evictDurableObject(stub);
        expect((await step()).status).toBeLessThan(300);
        await expectInvariants();
      }
      const { members, events } = await orgSnapshot(org.orgId);
      expect(Object.fromEntries(members.map((m) => [m.user_id, m.role]))).toEqual({
        [org.owner.id]: "admin",
        [org.admins[0]!.id]: "owner",
        [org.users[0]!.id]: "admin",
      });
      expect(events.map((e) => e.action).filter((a) => a !== "volumes.moved" && a !== "code.redeemed" && a !== "codes.created")).toEqual([
        "org.created",
        "role.changed",
        "member.removed",
        "member.left",
        "ownership.transferred",
      ]);
    },
    SLOW,
  );

  it(
    "during a mutation waits for it, and the mutation applies once",
    async () => {
      const org = await faultOrg();
      const before = await orgSnapshot(org.orgId);
      const held = gate();
      await injectCommitFault(org.orgId, { before: held.wait });
      const pending = send(removal, org, unique("key-"));
      await held.reached;
      const eviction = evictDurableObject(env.ORG.getByName(org.orgId));
      held.open();
      await eviction;
      expect((await pending).status).toBe(204);
      removal.appliedOnce(org, before, await orgSnapshot(org.orgId));
      await expectInvariants();
      // The next command runs on a fresh instance, with nothing of the old one left over.
      expect((await send(transfer, org, unique("key-"))).status).toBe(200);
      await expectInvariants();
    },
    SLOW,
  );
});

describe("aborting the org object", () => {
  it(
    "while a mutation awaits D1 before its commit: applied once after a retry with the same key",
    async () => {
      const org = await faultOrg();
      const key = unique("key-");
      const before = await orgSnapshot(org.orgId);
      const held = gate();
      await injectCommitFault(org.orgId, { before: held.wait });
      const first = send(removal, org, key);
      await held.reached;
      await abortAllDurableObjects();
      // The aborted instance never gets to commit.
      held.fail(new Error("aborted instance"));
      // The answer is lost (a 500), unless the org client's one retry reached a fresh instance.
      const answer = (await first).status;
      expect([204, 500]).toContain(answer);
      if (answer === 500) expect(await orgSnapshot(org.orgId)).toEqual(before);
      expect((await send(removal, org, key)).status).toBe(204);
      removal.appliedOnce(org, before, await orgSnapshot(org.orgId));
      await expectInvariants();
    },
    SLOW,
  );

  it(
    "after the commit, before the answer: applied once, and retries answer from the stored result",
    async () => {
      const org = await faultOrg();
      const key = unique("key-");
      const before = await orgSnapshot(org.orgId);
      const held = gate();
      await injectCommitFault(org.orgId, { after: held.wait });
      const first = send(removal, org, key);
      await held.reached;
      await abortAllDurableObjects();
      held.fail(new Error("aborted instance"));
      expect([204, 500]).toContain((await first).status);
      const after = await orgSnapshot(org.orgId);
      removal.appliedOnce(org, before, after);
      expect((await send(removal, org, key)).status).toBe(204);
      expect(await orgSnapshot(org.orgId)).toEqual(after);
      await expectInvariants();
    },
    SLOW,
  );

  it(
    "rolls back the late commit of an aborted instance that a retry already applied",
    async () => {
      const org = await faultOrg();
      const key = unique("key-");
      const before = await orgSnapshot(org.orgId);
      const held = gate();
      await injectCommitFault(org.orgId, { before: held.wait });
      const first = send(removal, org, key);
      await held.reached;
      await abortAllDurableObjects();
      expect([204, 500]).toContain((await first).status);
      expect((await send(removal, org, key)).status).toBe(204);
      const after = await orgSnapshot(org.orgId);
      removal.appliedOnce(org, before, after);
      // The stale instance's batch reaches D1 only now: the operation record and guards refuse it.
      held.open();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await orgSnapshot(org.orgId)).toEqual(after);
      await expectInvariants();
    },
    SLOW,
  );

  it(
    "rolls back the late commit of a stale instance that another request overtook",
    async () => {
      const org = await faultOrg();
      const before = await orgSnapshot(org.orgId);
      const held = gate();
      await injectCommitFault(org.orgId, { before: held.wait });
      const first = send(removal, org, unique("key-"));
      await held.reached;
      await abortAllDurableObjects();
      const firstAnswer = await first;
      // A second removal with its own key, made while the stale batch still waits.
      const second = await send(removal, org, unique("key-"));
      // Exactly one of the two removed the member: the first (answered by the client's retry) or the second.
      expect([
        [204, 404],
        [204, 500],
      ]).toContainEqual([firstAnswer.status, second.status].sort());
      const after = await orgSnapshot(org.orgId);
      removal.appliedOnce(org, before, after);
      held.open();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await orgSnapshot(org.orgId)).toEqual(after);
      await expectInvariants();
    },
    SLOW,
  );

  it(
    "in the middle of 30 concurrent mutations: retrying each with its key applies each exactly once",
    async () => {
      const org = await faultOrg({ admins: 3, users: 12, volumesEach: 1 });
      const before = await orgSnapshot(org.orgId);
      const keys = new Map<string, string>();
      const requests = [
        ...org.users
          .slice(0, 8)
          .map((user) => ({ path: `/api/orgs/${org.orgId}/members/${user.id}`, method: "DELETE", as: org.owner.token })),
        ...org.users.slice(8).map((user) => ({
          path: `/api/orgs/${org.orgId}/members/${user.id}/role`,
          method: "PUT",
          body: { role: "admin" },
          as: org.owner.token,
        })),
        ...org.admins.map((admin) => ({ path: `/api/orgs/${org.orgId}/leave`, method: "POST", as: admin.token })),
        ...Array.from({ length: 15 }, (_, i) => ({
          path: `/api/orgs/${org.orgId}/volumes`,
          method: "POST",
          body: { name: `burst-${i}`, sizeGb: 1 },
          as: org.owner.token,
        })),
      ];
      const held = gate();
      // The fifth commit waits; the abort lands while the queue holds the rest.
      let commits = 0;
      await injectCommitFault(org.orgId, {
        times: Number.POSITIVE_INFINITY,
        before: () => {
          commits += 1;
          return commits === 5 ? held.wait() : undefined;
        },
      });
      const sendAll = () =>
        Promise.all(
          requests.map((request, i) => {
            const { path, ...options } = request;
            const key = keys.get(String(i)) ?? unique("key-");
            keys.set(String(i), key);
            return api(path, { ...options, headers: { "Idempotency-Key": key } });
          }),
        );
      const burst = sendAll();
      await held.reached;
      await abortAllDurableObjects();
      held.fail(new Error("aborted instance"));
      const firstAnswers = await burst;
      expect(firstAnswers.every((answer) => answer.status < 300 || answer.status >= 500)).toBe(true);
      const retried = await sendAll();
      expect(retried.map((answer) => answer.status)).toEqual(
        requests.map((r) => (r.method === "DELETE" ? 204 : r.path.endsWith("/volumes") ? 201 : 200)),
      );
      const after = await orgSnapshot(org.orgId);
      expect(after.members).toHaveLength(before.members.length - 8 - 3);
      expect(after.volumes).toHaveLength(before.volumes.length + 15);
      expect(after.operations).toHaveLength(before.operations.length + requests.length);
      const actions = after.events.slice(before.events.length).map((e) => e.action);
      expect(actions.filter((a) => a === "member.removed")).toHaveLength(8);
      expect(actions.filter((a) => a === "member.left")).toHaveLength(3);
      expect(actions.filter((a) => a === "role.changed")).toHaveLength(4);
      expect(actions.filter((a) => a === "volumes.moved")).toHaveLength(11);
      await expectInvariants();
    },
    SLOW,
  );
});
