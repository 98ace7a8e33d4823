import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

// Each test signs its people up (password hashing) and builds its org through the API.
const SLOW = 30_000;
import { orgSnapshot } from "../support/org-state";
import { unique } from "../support/factories";
import { MUTATIONS, send } from "./commands";
import { injectCommitFault } from "./faulty-d1";
import { expectInvariants } from "../support/invariants";
import { faultOrg, type FaultOrg } from "./org-fixture";

const injected = () => {
  throw new Error("injected D1 failure");
};

describe("a D1 failure before the commit", () => {
  it.each(MUTATIONS)(
    "leaves nothing of $name applied, and a retry with the same key applies it once",
    async (spec) => {
      const org = await faultOrg();
      const key = unique("key-");
      const before = await orgSnapshot(org.orgId);
      const fault = await injectCommitFault(org.orgId, { before: injected });

      const failed = await send(spec, org, key);
      expect(failed.status).toBe(500);
      expect(failed.body.error.code).toBe("internal");
      expect(fault.disturbed).toBe(1);
      expect(await orgSnapshot(org.orgId)).toEqual(before);
      await expectInvariants();

      const retried = await send(spec, org, key);
      expect(retried.status).toBe(spec.status);
      const after = await orgSnapshot(org.orgId);
      spec.appliedOnce(org, before, after);
      await expectInvariants();
    },
    SLOW,
  );
});

describe("a D1 failure after the commit", () => {
  it.each(MUTATIONS)(
    "applies $name once, and a retry with the same key answers without applying again",
    async (spec) => {
      const org = await faultOrg();
      const key = unique("key-");
      const before = await orgSnapshot(org.orgId);
      const fault = await injectCommitFault(org.orgId, { after: injected });

      const lost = await send(spec, org, key);
      expect(lost.status).toBe(500);
      expect(fault.disturbed).toBe(1);
      const after = await orgSnapshot(org.orgId);
      spec.appliedOnce(org, before, after);
      await expectInvariants();

      const retried = await send(spec, org, key);
      expect(retried.status).toBe(spec.status);
      expect(await orgSnapshot(org.orgId)).toEqual(after);
      await expectInvariants();
    },
    SLOW,
  );

  it.each([
    ["leave", (org: FaultOrg, operationId: string) => ({ operationId, orgId: org.orgId, actorId: org.users[0]!.id })],
    [
      "transferOwnership",
      (org: FaultOrg, operationId: string) => ({
        operationId,
        orgId: org.orgId,
        actorId: org.owner.id,
        targetId: org.admins[0]!.id,
        confirmOrgName: org.orgName,
        confirmUsername: org.admins[0]!.username,
      }),
    ],
  ] as const)(
    "has the object answer a repeated %s operation id with the stored result",
    async (method, input) => {
      const org = await faultOrg();
      const operationId = unique("op-");
      await injectCommitFault(org.orgId, { after: injected });
      const stub = env.ORG.getByName(org.orgId) as unknown as Record<string, (input: unknown) => Promise<unknown>>;
      // Settled with an explicit handler: an RPC promise left to expect().rejects is also
      // reported as an unhandled rejection by the runtime.
      const failure = await stub[method]!(input(org, operationId)).then(
        () => null,
        (error: unknown) => error,
      );
      expect(String(failure)).toContain("injected D1 failure");
      const after = await orgSnapshot(org.orgId);
      const repeated = await stub[method]!(input(org, operationId));
      expect(repeated).toMatchObject({ ok: true });
      expect(await orgSnapshot(org.orgId)).toEqual(after);
      await expectInvariants();
    },
    SLOW,
  );

  it(
    "answers a retried volume creation with the volume the lost answer had made",
    async () => {
      const org = await faultOrg({ volumesEach: 0 });
      const key = unique("key-");
      await injectCommitFault(org.orgId, { after: injected });
      const spec = MUTATIONS.find((m) => m.name === "creating a volume")!;
      expect((await send(spec, org, key)).status).toBe(500);
      const retried = await send(spec, org, key);
      expect(retried.status).toBe(201);
      const { volumes } = await orgSnapshot(org.orgId);
      expect(volumes.map((v) => v.id)).toEqual([retried.body.volume.id]);
    },
    SLOW,
  );
});
