import { describe, expect, it, vi } from "vitest";
import { clock } from "../../src/clock";
import { api } from "../support/client";
import { signUp } from "../support/factories";
import { orgWith } from "../support/org-factories";
import { auditActions, codeRow, makeCode, makeCodes, memberCount, orgVersion, redeem } from "./helpers";
import { restoreClockAfterEach } from "../support/clock";

// Each test signs people up through the real API; on a busy shared machine that takes a while.
vi.setConfig({ testTimeout: 60_000 });

restoreClockAfterEach();

describe("POST /api/join", () => {
  it("adds the person to the org with the code's role, audited, and bumps the org's version", async () => {
    const org = await orgWith();
    const code = await makeCode(org.owner.cookie, org.id);
    const joiner = await signUp();
    const version = await orgVersion(org.id);

    const response = await redeem(joiner.cookie, code.code);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ org: { id: org.id, name: org.name }, role: "user" });
    expect(await memberCount(org.id)).toBe(2);
    expect((await api("/api/me", { as: joiner.cookie })).body).toMatchObject({ org: { id: org.id }, role: "user" });
    expect(await codeRow(code.id)).toMatchObject({ redeemed_by: joiner.id, revoked_at: null });
    expect(await orgVersion(org.id)).toBe(version + 1);
    const event = (await auditActions(org.id)).find((e) => e.action === "code.redeemed");
    expect(event?.actor_id).toBe(joiner.id);
    expect(JSON.parse(event!.details)).toEqual({ role: "user", codeId: code.id, label: "" });
  });

  it.each(["12345678 as typed", "with spaces"])("accepts the code without its dash or with spaces (%s)", async (form) => {
    const org = await orgWith();
    const { code } = await makeCode(org.owner.cookie, org.id);
    const typed = form === "with spaces" ? ` ${code.slice(0, 2)} ${code.slice(2)} ` : code.replace("-", "");
    expect((await redeem((await signUp()).cookie, typed)).status).toBe(200);
  });

  it("answers expired, revoked, used and made-up codes with the very same 404", async () => {
    const org = await orgWith();
    const [expired, revoked, used] = await makeCodes(org.owner.cookie, org.id, { count: 3 });
    await api(`/api/orgs/${org.id}/join-codes/${revoked!.id}`, { method: "DELETE", as: org.owner.cookie });
    expect((await redeem((await signUp()).cookie, used!.code)).status).toBe(200);
    const live = new Set([expired!.code, revoked!.code, used!.code]);
    let madeUp = "0000-0000";
    for (let n = 1; live.has(madeUp); n += 1) madeUp = `0000-000${n}`;

    const joiner = await signUp();
    const answers = [
      await redeem(joiner.cookie, revoked!.code),
      await redeem(joiner.cookie, used!.code),
      await redeem(joiner.cookie, madeUp),
    ];
    clock.now = () => Date.parse(expired!.expiresAt);
    answers.push(await redeem(joiner.cookie, expired!.code));

    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual(answers[0]!.body);
      expect(answer.headers.get("Content-Type")).toBe(answers[0]!.headers.get("Content-Type"));
    }
    expect(answers[0]!.body).toEqual({ error: { code: "invalid_code", message: expect.any(String) } });
    expect(await memberCount(org.id)).toBe(2);
  });

  it("still takes a code a moment before it expires", async () => {
    const org = await orgWith();
    const code = await makeCode(org.owner.cookie, org.id);
    clock.now = () => Date.parse(code.expiresAt) - 1;
    expect((await redeem((await signUp()).cookie, code.code)).status).toBe(200);
  });

  it.each([
    ["fullwidth digits", (c: string) => c.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number.parseInt(d, 10)))],
    ["Arabic-Indic digits", (c: string) => c.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number.parseInt(d, 10)))],
    ["a number", (c: string) => Number.parseInt(c.replace("-", ""), 10)],
    ["an exponent", () => "1e7"],
    ["hex", () => "0x5F5E0FF"],
    ["seven digits", (c: string) => c.slice(0, -1)],
    ["nine digits", (c: string) => `${c}0`],
    ["two dashes", (c: string) => c.replace("-", "--")],
    ["null", () => null],
  ])("refuses %s with 400 and consumes nothing", async (_label, mangle) => {
    const org = await orgWith();
    const code = await makeCode(org.owner.cookie, org.id);
    const joiner = await signUp();
    const response = await redeem(joiner.cookie, mangle(code.code));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_request");
    expect(await codeRow(code.id)).toMatchObject({ redeemed_at: null, revoked_at: null });
    expect(await memberCount(org.id)).toBe(1);
    expect((await redeem(joiner.cookie, code.code)).status).toBe(200);
  });

  it("refuses a body that is not an object with just a code", async () => {
    const joiner = await signUp();
    expect((await api("/api/join", { body: "12345678", as: joiner.cookie })).status).toBe(400);
    expect((await api("/api/join", { body: { code: "1234-5678", org: "x" }, as: joiner.cookie })).status).toBe(400);
  });

  it("refuses a member of an org with 409 and leaves the code usable", async () => {
    const org = await orgWith({ users: 1 });
    const other = await orgWith();
    const code = await makeCode(other.owner.cookie, other.id);
    const response = await redeem(org.users[0]!.cookie, code.code);
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe("already_in_org");
    expect(await codeRow(code.id)).toMatchObject({ redeemed_at: null });
    expect((await redeem((await signUp()).cookie, code.code)).status).toBe(200);
  });

  it("answers a member 409 whether or not the code exists, so it tells nothing", async () => {
    const org = await orgWith({ users: 1 });
    const response = await redeem(org.users[0]!.cookie, "0000-0001");
    expect(response.status).toBe(409);
  });

  it("refuses a request without credentials", async () => {
    expect((await api("/api/join", { body: { code: "1234-5678" } })).status).toBe(401);
  });
});

describe("POST /api/join under races", () => {
  it("lets exactly one of 20 concurrent redemptions of one code succeed", async () => {
    const org = await orgWith();
    const code = await makeCode(org.owner.cookie, org.id);
    const joiners = await Promise.all(Array.from({ length: 20 }, () => signUp()));

    const answers = await Promise.all(joiners.map((joiner) => redeem(joiner.cookie, code.code)));

    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 404)).toHaveLength(19);
    expect(await memberCount(org.id)).toBe(2);
    const winner = joiners[answers.findIndex((a) => a.status === 200)]!;
    expect(await codeRow(code.id)).toMatchObject({ redeemed_by: winner.id });
    expect((await auditActions(org.id)).filter((e) => e.action === "code.redeemed")).toHaveLength(1);
  });

  it("puts a user racing codes of two orgs in exactly one, rolling the other back whole", async () => {
    const first = await orgWith();
    const second = await orgWith();
    const [codeA, codeB] = [await makeCode(first.owner.cookie, first.id), await makeCode(second.owner.cookie, second.id)];
    const versions = [await orgVersion(first.id), await orgVersion(second.id)];
    const joiner = await signUp();

    const [a, b] = await Promise.all([redeem(joiner.cookie, codeA.code), redeem(joiner.cookie, codeB.code)]);

    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [won, lost] = a.status === 200 ? [first, second] : [second, first];
    const lostCode = a.status === 200 ? codeB : codeA;
    expect((a.status === 200 ? b : a).body.error.code).toBe("already_in_org");
    expect(await memberCount(won.id)).toBe(2);
    expect(await memberCount(lost.id)).toBe(1);
    // The losing batch left nothing behind: code unused, no event, version as it was.
    expect(await codeRow(lostCode.id)).toMatchObject({ redeemed_at: null, redeemed_by: null });
    expect((await auditActions(lost.id)).filter((e) => e.action === "code.redeemed")).toEqual([]);
    expect(await orgVersion(lost.id)).toBe(lost === first ? versions[0] : versions[1]);
    expect((await redeem((await signUp()).cookie, lostCode.code)).status).toBe(200);
  });

  it("lets 50 people redeem 50 bulk codes at once, losing none", async () => {
    const org = await orgWith();
    const codes = await makeCodes(org.owner.cookie, org.id, { count: 50 });
    const joiners = await Promise.all(Array.from({ length: 50 }, () => signUp()));

    const answers = await Promise.all(joiners.map((joiner, i) => redeem(joiner.cookie, codes[i]!.code)));

    expect(answers.map((a) => a.status)).toEqual(new Array(50).fill(200));
    expect(await memberCount(org.id)).toBe(51);
    const used = await Promise.all(codes.map((c) => codeRow(c.id)));
    expect(used.filter((row) => row?.redeemed_at !== null)).toHaveLength(50);
    expect((await auditActions(org.id)).filter((e) => e.action === "code.redeemed")).toHaveLength(50);
  });
});
