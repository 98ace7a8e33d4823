import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { createDb } from "../../src/db/client";
import { createCodes, decideRedeemCode, decideRevokeCode } from "../../src/durable/join-code-commands";
import { newId } from "../../src/domain/ids";
import { signUp } from "../support/factories";
import { orgWith } from "../support/org-factories";
import { auditActions, codeRow, makeCode, memberCount } from "./helpers";

// Each test signs people up through the real API; on a busy shared machine that takes a while.
vi.setConfig({ testTimeout: 60_000 });

const SECRET = "test-only-secret-for-command-tests-0123456789";

/** A draw that hands out the given batches of digits in turn: collisions on demand. */
function scripted(...batches: string[][]): (count: number) => string[] {
  return () => batches.shift() ?? [];
}

async function liveHashes(orgId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM join_code WHERE org_id = ? AND redeemed_at IS NULL AND revoked_at IS NULL")
    .bind(orgId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("createCodes", () => {
  it("draws again, unseen, when a code collides with a live one", async () => {
    const org = await orgWith();
    const db = createDb(env.DB);
    const input = (count: number) => ({ operationId: newId(), orgId: org.id, actorId: org.owner.id, role: "user" as const, count });
    const first = await createCodes(db, input(1), new Date(), SECRET, scripted(["11112222"]));
    expect(first.ok && first.value.codes.map((c) => c.code)).toEqual(["1111-2222"]);

    const second = await createCodes(db, input(2), new Date(), SECRET, scripted(["33334444", "11112222"], ["55556666", "77778888"]));

    expect(second.ok && second.value.codes.map((c) => c.code)).toEqual(["5555-6666", "7777-8888"]);
    expect(await liveHashes(org.id)).toBe(3);
    // The rolled-back attempt left no trace: one event per request that succeeded.
    expect((await auditActions(org.id)).filter((e) => e.action === "codes.created")).toHaveLength(2);
  });

  it("draws again when one request draws the same code twice", async () => {
    const org = await orgWith();
    const db = createDb(env.DB);
    const input = { operationId: newId(), orgId: org.id, actorId: org.owner.id, role: "user" as const, count: 2 };
    const result = await createCodes(db, input, new Date(), SECRET, scripted(["12121212", "12121212"], ["12121212", "34343434"]));
    expect(result.ok && result.value.codes.map((c) => c.code)).toEqual(["1212-1212", "3434-3434"]);
  });

  it("refuses to replay an applied operation, since its codes cannot be shown again", async () => {
    const org = await orgWith();
    const db = createDb(env.DB);
    const input = { operationId: newId(), orgId: org.id, actorId: org.owner.id, role: "user" as const, count: 3 };
    expect((await createCodes(db, input, new Date(), SECRET)).ok).toBe(true);
    const replay = await createCodes(db, input, new Date(), SECRET);
    expect(replay).toEqual({ ok: false, code: "conflict", message: expect.any(String) });
    expect(await liveHashes(org.id)).toBe(3);
  });
});

/** What the edge hands the org object once it found a live code by its hash. */
function redeemInput(orgId: string, user: { id: string; username: string }, code: { id: string; role: "user" | "admin" }) {
  return {
    operationId: newId(),
    orgId,
    actorId: user.id,
    username: user.username,
    code: { id: code.id, orgName: "", role: code.role, label: "" },
  };
}

describe("join code batches guard themselves", () => {
  it("rolls back a redemption decided on a code that another writer consumed meanwhile", async () => {
    const org = await orgWith();
    const code = await makeCode(org.owner.cookie, org.id);
    const db = createDb(env.DB);
    const [ada, bo] = [await signUp(), await signUp()];
    const at = new Date();
    // Both decided on the same fresh read, as two writers outside the serial queue would.
    const decisions = await Promise.all([ada, bo].map((user) => decideRedeemCode(db, redeemInput(org.id, user, code), at)));
    const statements = decisions.map((d) => (d.ok ? d.statements : []));

    await db.batch(statements[0] as [never, ...never[]]);
    await expect(db.batch(statements[1] as [never, ...never[]])).rejects.toThrow(/CHECK constraint failed/);

    expect(await memberCount(org.id)).toBe(2);
    expect(await codeRow(code.id)).toMatchObject({ redeemed_by: ada.id });
    expect((await auditActions(org.id)).filter((e) => e.action === "code.redeemed")).toHaveLength(1);
  });

  it("rolls back a revocation decided on a code that was redeemed meanwhile", async () => {
    const org = await orgWith();
    const code = await makeCode(org.owner.cookie, org.id);
    const db = createDb(env.DB);
    const joiner = await signUp();
    const at = new Date();
    const revoke = await decideRevokeCode(db, { operationId: newId(), orgId: org.id, actorId: org.owner.id, codeId: code.id }, at);
    const redeem = await decideRedeemCode(db, redeemInput(org.id, joiner, code), at);

    await db.batch((redeem.ok ? redeem.statements : []) as [never, ...never[]]);
    await expect(db.batch((revoke.ok ? revoke.statements : []) as [never, ...never[]])).rejects.toThrow(/CHECK constraint failed/);

    expect(await codeRow(code.id)).toMatchObject({ redeemed_by: joiner.id, revoked_at: null });
    expect((await auditActions(org.id)).filter((e) => e.action === "code.revoked")).toEqual([]);
  });
});
