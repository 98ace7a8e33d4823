import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as workerModule from "../../src/index";
import { api } from "../../test/support/client";
import { signUp, tokenFor, unique, type TestUser } from "../../test/support/factories";
import { installCounters, measure, responded, type Cost } from "./counters";

const worker = workerModule.default;
const ORIGIN = "http://cohort.test";

/** Each object binding's class, as exported by the Worker (vitest.config.ts reads wrangler.jsonc). */
function objectClasses(): Record<string, { prototype: object }> {
  const names = JSON.parse((env as unknown as { BENCH_OBJECT_CLASSES: string }).BENCH_OBJECT_CLASSES) as Record<string, string>;
  const exported = workerModule as unknown as Record<string, { prototype: object } | undefined>;
  return Object.fromEntries(
    Object.entries(names).map(([binding, className]) => {
      const objectClass = exported[className];
      if (!objectClass) throw new Error(`src/index exports no ${className} for ${binding}`);
      return [binding, objectClass];
    }),
  );
}
const costs: Record<string, Cost> = {};

interface Call {
  method?: string;
  body?: unknown;
  cookie?: string;
  token?: string;
  /** Sent as CF-Connecting-IP. */
  address?: string;
}

/** Calls the Worker's own handler and waits for its waitUntil work, so that is counted too. */
async function call(path: string, { method = "GET", body, cookie, token, address }: Call = {}): Promise<{ status: number; body: any }> {
  const headers = new Headers();
  if (body !== undefined) headers.set("Content-Type", "application/json");
  if (cookie) headers.set("Cookie", cookie);
  if (cookie && method !== "GET") headers.set("Origin", ORIGIN);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  if (address) headers.set("CF-Connecting-IP", address);
  const ctx = createExecutionContext();
  const request = new Request(`${ORIGIN}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const response = await worker.fetch(request, env, ctx);
  // What runs after this (waitUntil) is off the response's path: not part of its depth.
  responded();
  await waitOnExecutionContext(ctx);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function record(name: string, expectedStatus: number, operation: () => Promise<{ status: number; body: unknown }>) {
  let status = 0;
  let answer: unknown;
  costs[name] = await measure(async () => {
    ({ status, body: answer } = await operation());
  });
  expect(status, `${name}: ${JSON.stringify(answer)}`).toBe(expectedStatus);
}

async function createOrg(owner: TestUser): Promise<string> {
  const response = await api("/api/orgs", { body: { name: unique("Org ") }, as: owner.cookie });
  if (response.status !== 201) throw new Error(`create org: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.org.id;
}

async function codesFor(orgId: string, owner: TestUser, count: number): Promise<string[]> {
  const response = await api(`/api/orgs/${orgId}/join-codes`, { body: { count }, as: owner.cookie });
  if (response.status !== 201) throw new Error(`codes: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.codes.map((code: { code: string }) => code.code);
}

/** Adds filler members straight into D1, as the load run does for its big orgs. */
async function addFillerMembers(orgId: string, count: number): Promise<void> {
  const now = Date.now();
  const prefix = unique("filler");
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = `${prefix}-${i}`;
    statements.push(
      env.DB.prepare(
        "INSERT INTO user (id, name, email, email_verified, created_at, updated_at, username, display_username) VALUES (?, ?, ?, 0, ?, ?, ?, ?)",
      ).bind(id, `Filler ${i}`, `${id}@example.com`, now, now, id, id),
      env.DB.prepare("INSERT INTO membership (user_id, org_id, role, joined_at) VALUES (?, ?, 'user', ?)").bind(id, orgId, now),
    );
  }
  for (let i = 0; i < statements.length; i += 500) await env.DB.batch(statements.slice(i, i + 500));
}

async function redeemer(): Promise<string> {
  return (await tokenFor(await signUp())).token;
}

interface Orgs {
  small: { orgId: string; owner: TestUser; member: TestUser };
  big: { orgId: string; owner: TestUser };
  huge: { orgId: string; owner: TestUser };
}

let seeded: Promise<Orgs> | undefined;

/** The orgs the operations run in: seeded once, the first time a test needs them. */
function orgs(): Promise<Orgs> {
  seeded ??= (async () => {
    const owner = await signUp();
    const orgId = await createOrg(owner);
    const member = await signUp();
    const [code] = await codesFor(orgId, owner, 1);
    const joined = await api("/api/join", { body: { code }, as: member.cookie });
    if (joined.status !== 200) throw new Error(`join: ${joined.status} ${JSON.stringify(joined.body)}`);
    const bigOwner = await signUp();
    const big = { orgId: await createOrg(bigOwner), owner: bigOwner };
    await addFillerMembers(big.orgId, 999);
    const hugeOwner = await signUp();
    const huge = { orgId: await createOrg(hugeOwner), owner: hugeOwner };
    await addFillerMembers(huge.orgId, 9_999);
    return { small: { orgId, owner, member }, big, huge };
  })();
  return seeded;
}

describe("rows and object calls per operation", () => {
  beforeAll(() => installCounters(objectClasses()));

  afterAll(() => {
    // The bench driver reads this line.
    console.log(`BENCH_COUNTS ${JSON.stringify(costs)}`);
  });

  it("counts GET /api/me with a session", async () => {
    const { small } = await orgs();
    await record("me", 200, () => call("/api/me", { cookie: small.member.cookie.cookie }));
  });

  it("counts GET /api/me with an API token", async () => {
    const { small } = await orgs();
    const token = (await tokenFor(small.member)).token;
    await record("me_token", 200, () => call("/api/me", { token }));
  });

  it("counts GET /api/me of a user with no org", async () => {
    const user = await signUp();
    await record("me_no_org", 200, () => call("/api/me", { cookie: user.cookie.cookie }));
  });

  it("counts a redemption in a small org and in a 1,000-member org", async () => {
    const { small, big } = await orgs();
    const [smallCode] = await codesFor(small.orgId, small.owner, 1);
    const smallToken = await redeemer();
    await record("redeem", 200, () =>
      call("/api/join", { method: "POST", body: { code: smallCode }, token: smallToken, address: "192.0.2.1" }),
    );
    const [bigCode] = await codesFor(big.orgId, big.owner, 1);
    const bigToken = await redeemer();
    await record("redeem_in_1k_org", 200, () =>
      call("/api/join", { method: "POST", body: { code: bigCode }, token: bigToken, address: "192.0.2.2" }),
    );
  });

  it("counts the calls per redemption to objects that every redemption shares", async () => {
    // Different users, addresses and orgs: an object all of them call is shared by all.
    const others: Cost[] = [costs.redeem_in_1k_org!];
    for (let i = 3; i <= 5; i += 1) {
      const owner = await signUp();
      const orgId = await createOrg(owner);
      const [code] = await codesFor(orgId, owner, 1);
      const token = await redeemer();
      const name = `redeem_shared_probe_${i}`;
      await record(name, 200, () => call("/api/join", { method: "POST", body: { code }, token, address: `192.0.2.${i}` }));
      others.push(costs[name]!);
      delete costs[name];
    }
    const redeem = costs.redeem!;
    const shared = Object.keys(redeem.objectCalls).filter((object) => others.every((cost) => object in cost.objectCalls));
    redeem.sharedObjectCalls = shared.reduce((sum, object) => sum + redeem.objectCalls[object]!, 0);
  });

  it("counts the members lists of 1,000 and 10,000 members", async () => {
    const { big, huge } = await orgs();
    await record("members_1k", 200, () => call(`/api/orgs/${big.orgId}/members`, { cookie: big.owner.cookie.cookie }));
    await record("members_10k", 200, () => call(`/api/orgs/${huge.orgId}/members`, { cookie: huge.owner.cookie.cookie }));
  });

  it("counts a role change, promote and demote", async () => {
    const { small } = await orgs();
    const path = `/api/orgs/${small.orgId}/members/${small.member.id}/role`;
    await record("role_promote", 200, () => call(path, { method: "PUT", body: { role: "admin" }, cookie: small.owner.cookie.cookie }));
    await record("role_demote", 200, () => call(path, { method: "PUT", body: { role: "user" }, cookie: small.owner.cookie.cookie }));
  });

  it("counts a role change in a 1,000-member org", async () => {
    const { big } = await orgs();
    const members = await call(`/api/orgs/${big.orgId}/members`, { cookie: big.owner.cookie.cookie });
    const target = (members.body.members as { userId: string; role: string }[]).find((member) => member.role === "user");
    expect(target).toBeDefined();
    const path = `/api/orgs/${big.orgId}/members/${target!.userId}/role`;
    await record("role_promote_in_1k_org", 200, () =>
      call(path, { method: "PUT", body: { role: "admin" }, cookie: big.owner.cookie.cookie }),
    );
  });

  it("counts a sign-up", async () => {
    const username = unique("counted");
    await record("sign_up", 201, () =>
      call("/api/auth/sign-up/email", {
        method: "POST",
        body: { email: `${username}@example.com`, password: "correct horse battery", name: username, username },
      }),
    );
  });
});
