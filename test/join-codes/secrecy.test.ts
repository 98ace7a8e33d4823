import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OrgObject } from "../../src/durable/org-object";
import { api } from "../support/client";
import { signUp } from "../support/factories";
import { orgWith } from "../support/org-factories";
import { meterD1 } from "./d1-meter";
import { freshAddress, makeCode, makeCodes, memberCount, redeem, type MadeCode } from "./helpers";

// Each test signs people up through the real API; on a busy shared machine that takes a while.
vi.setConfig({ testTimeout: 60_000 });

afterEach(() => vi.restoreAllMocks());

/** Every spelling of a code that would give it away. */
function spellings(code: MadeCode): string[] {
  return [code.code, code.code.replace("-", "")];
}

/** Every row of every table of the database (D1's own `_cf_` tables aside), as text. */
async function dumpDatabase(): Promise<string> {
  const { results: tables } = await env.DB.prepare("SELECT * FROM sqlite_master").all<{ type: string; name: string }>();
  const parts = [JSON.stringify(tables)];
  for (const { name } of tables.filter((t) => t.type === "table" && !t.name.startsWith("_cf_"))) {
    const { results } = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
    parts.push(`${name}: ${JSON.stringify(results)}`);
  }
  return parts.join("\n");
}

/**
 * Counts commands run by any org object (the objects run in this isolate in tests): every
 * RPC command takes one argument, an input with an `operationId`; the object's internal
 * helpers take none, or a callback besides.
 */
function countOrgCommands(): () => number {
  const spies = Object.getOwnPropertyNames(OrgObject.prototype)
    .filter((name) => name !== "constructor" && typeof (OrgObject.prototype as unknown as Record<string, unknown>)[name] === "function")
    .map((name) => vi.spyOn(OrgObject.prototype as unknown as Record<string, (...args: unknown[]) => unknown>, name));
  const isCommand = (args: unknown[]) => args.length === 1 && typeof args[0] === "object" && args[0] !== null && "operationId" in args[0];
  return () => spies.reduce((sum, spy) => sum + spy.mock.calls.filter(isCommand).length, 0);
}

/** Makes the org big: `members` more members and `codes` more live codes, straight into D1. */
async function grow(orgId: string, ownerId: string, counts: { members: number; codes: number }): Promise<void> {
  const now = Date.now();
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < counts.members; i += 1) {
    const id = `grown-${orgId}-${i}`;
    statements.push(
      env.DB.prepare(
        "INSERT INTO user (id, name, email, email_verified, created_at, updated_at, username) VALUES (?, ?, ?, 0, ?, ?, ?)",
      ).bind(id, `Grown ${i}`, `${id}@example.com`, now, now, `${id}`.slice(0, 32)),
      env.DB.prepare("INSERT INTO membership (user_id, org_id, role, joined_at) VALUES (?, ?, 'user', ?)").bind(id, orgId, now),
    );
  }
  for (let i = 0; i < counts.codes; i += 1) {
    const hash = [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, "0")).join("");
    statements.push(
      env.DB.prepare(
        "INSERT INTO join_code (id, org_id, code_hash, hint, role, created_by, created_at, expires_at) VALUES (?, ?, ?, '••••-0000', 'user', ?, ?, ?)",
      ).bind(`grown-code-${orgId}-${i}`, orgId, hash, ownerId, now, now + 3600_000),
    );
  }
  for (let start = 0; start < statements.length; start += 500) await env.DB.batch(statements.slice(start, start + 500));
}

describe("join code secrecy", () => {
  it("keeps no full code anywhere in D1", async () => {
    const org = await orgWith();
    const codes = [...(await makeCodes(org.owner.cookie, org.id, { count: 50 })), await makeCode(org.owner.cookie, org.id, "admin")];
    const csv = await api(`/api/orgs/${org.id}/join-codes`, { body: { count: 5 }, as: org.owner.cookie, headers: { Accept: "text/csv" } });
    const fromCsv = (csv.body as string)
      .trim()
      .split("\r\n")
      .slice(1)
      .map((line) => ({ id: "", code: line.split(",")[0]!, role: "user" as const, expiresAt: "" }));
    expect((await redeem((await signUp()).cookie, codes[0]!.code)).status).toBe(200);
    await api(`/api/orgs/${org.id}/join-codes/${codes[1]!.id}`, { method: "DELETE", as: org.owner.cookie });

    const dump = await dumpDatabase();

    expect(dump).toContain(codes[2]!.id);
    for (const code of [...codes, ...fromCsv]) for (const spelling of spellings(code)) expect(dump).not.toContain(spelling);
  });

  it("writes no full code into any log line", async () => {
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
      });
    }
    const org = await orgWith();
    const codes = await makeCodes(org.owner.cookie, org.id, { count: 3 });
    await api(`/api/orgs/${org.id}/join-codes`, { as: org.owner.cookie });
    const joiner = await signUp();
    await redeem(joiner.cookie, codes[0]!.code);
    await redeem(joiner.cookie, codes[1]!.code);
    await redeem((await signUp()).cookie, codes[0]!.code);
    await api("/api/join", { body: { code: `${codes[2]!.code}x` }, as: joiner.cookie });

    for (const code of codes) for (const spelling of spellings(code)) expect(lines.join("\n")).not.toContain(spelling);
  }, 60_000);
});

describe("POST /api/join cost", () => {
  it("sends at most one request to one org object, and none for an unknown code", async () => {
    const org = await orgWith();
    const code = await makeCode(org.owner.cookie, org.id);
    const calls = countOrgCommands();

    expect((await redeem((await signUp()).cookie, "7777-7777")).status).toBe(404);
    expect(calls()).toBe(0);
    expect((await redeem((await signUp()).cookie, code.code)).status).toBe(200);
    expect(calls()).toBe(1);
  });

  it("reads the same number of D1 rows per redemption whatever the number of codes and members", async () => {
    const small = await orgWith();
    const big = await orgWith();
    const [smallCode] = await makeCodes(small.owner.cookie, small.id);
    const [bigCode] = await makeCodes(big.owner.cookie, big.id);
    const [first, second, third] = [await signUp(), await signUp(), await signUp()];

    const before = await meterD1(() => redeem(first.cookie, smallCode!.code, freshAddress()));
    const beforeMiss = await meterD1(() => redeem(second.cookie, "7777-7776", freshAddress()));

    await grow(big.id, big.owner.id, { members: 1000, codes: 2000 });
    expect(await memberCount(big.id)).toBe(1001);

    const after = await meterD1(() => redeem(second.cookie, bigCode!.code, freshAddress()));
    const afterMiss = await meterD1(() => redeem(third.cookie, "7777-7775", freshAddress()));

    expect(before.result.status).toBe(200);
    expect(after.result.status).toBe(200);
    expect(beforeMiss.result.status).toBe(404);
    expect(afterMiss.result.status).toBe(404);
    // The meter saw the org object's batch, not only the Worker's reads.
    expect(after.queries.some((q) => /insert into "membership"/i.test(q))).toBe(true);
    expect(after.rowsRead).toBe(before.rowsRead);
    expect(afterMiss.rowsRead).toBe(beforeMiss.rowsRead);
    expect(after.rowsRead).toBeLessThan(40);
    console.info(
      `D1 rows read per redemption: ${before.rowsRead} (small org) / ${after.rowsRead} (1,001 members, 2,001 codes); ` +
        `per unknown code: ${beforeMiss.rowsRead} / ${afterMiss.rowsRead}; queries per redemption: ${after.queries.length}`,
    );
  }, 120_000);
});
