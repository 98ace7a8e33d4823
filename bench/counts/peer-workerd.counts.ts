import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import worker from "../peer-workerd/src/index";
import { installCounters, measure, responded, type Cost } from "./counters";

const ORIGIN = "http://peer.test";
const costs: Record<string, Cost> = {};

async function call(path: string, { body, cookie = "" }: { body?: unknown; cookie?: string } = {}) {
  const headers = new Headers({ cookie, origin: ORIGIN });
  if (body !== undefined) headers.set("Content-Type", "application/json");
  const ctx = createExecutionContext();
  const request = new Request(`${ORIGIN}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, env as never);
  responded();
  await waitOnExecutionContext(ctx);
  const cookies = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, cookie: cookies };
}

async function signUp(name: string) {
  const result = await call("/api/auth/sign-up/email", { body: { email: `${name}@example.com`, password: "correct horse battery", name } });
  expect(result.status).toBe(200);
  return { id: result.body.user.id as string, email: `${name}@example.com`, cookie: result.cookie };
}

async function record(name: string, operation: () => Promise<{ status: number; body: unknown }>) {
  let status = 0;
  let answer: unknown;
  costs[name] = await measure(async () => {
    ({ status, body: answer } = await operation());
  });
  expect(status, `${name}: ${JSON.stringify(answer)}`).toBe(200);
}

/** The workerd peer's operations, counted like Cohort's (bench/counts/rows.test.ts): the same org shape, 1,000 members. */
describe("the workerd peer's round trips per operation", () => {
  let org = "";
  let owner = { id: "", email: "", cookie: "" };

  beforeAll(async () => {
    await installCounters({});
    owner = await signUp("owner");
    org = (await call("/api/auth/organization/create", { body: { name: "Peer org", slug: "peer-org" }, cookie: owner.cookie })).body.id;
    const now = Date.now();
    const statements: D1PreparedStatement[] = [];
    for (let i = 0; i < 999; i += 1) {
      statements.push(
        env.DB.prepare("INSERT INTO user (id, name, email, email_verified, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)").bind(
          `filler-${i}`,
          `m${i}`,
          `m${i}@example.com`,
          now,
          now,
        ),
        env.DB.prepare("INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES (?, ?, ?, 'member', ?)").bind(
          `member-${i}`,
          org,
          `filler-${i}`,
          now,
        ),
      );
    }
    for (let i = 0; i < statements.length; i += 500) await env.DB.batch(statements.slice(i, i + 500));
  });

  afterAll(() => {
    // The bench driver reads this line.
    console.log(`BENCH_PEER_COUNTS ${JSON.stringify(costs)}`);
  });

  it("counts an accept-invitation in a 1,000-member org", async () => {
    const invitee = await signUp("invitee");
    const invitation = await call("/api/auth/organization/invite-member", {
      body: { email: invitee.email, role: "member", organizationId: org },
      cookie: owner.cookie,
    });
    expect(invitation.status).toBe(200);
    await record("peer_workerd_accept", () =>
      call("/api/auth/organization/accept-invitation", { body: { invitationId: invitation.body.id }, cookie: invitee.cookie }),
    );
  });

  it("counts one page of 99 members (a list of 1,000 takes 11)", async () => {
    await record("peer_workerd_list_page", () =>
      call(`/api/auth/organization/list-members?organizationId=${org}&limit=99`, { cookie: owner.cookie }),
    );
  });
});
