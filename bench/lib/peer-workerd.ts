import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import { inserts, writeSql } from "./bulk-accounts.ts";
import { ROOT } from "./processes.ts";
import { executeSql, startDevWorker, type DevWorker } from "./wrangler-dev.ts";
import type { PeerSeed } from "./peer.ts";

const SECRET = "peer-workerd-bench-secret-0123456789abcdef0123456789";
const SESSION_COOKIE = "better-auth.session_token";

/**
 * Better Auth's list-members reads the page's users with one `id IN (...) LIMIT ?`, a bound
 * parameter per member plus the limit, and D1 takes at most 100 bound parameters a statement:
 * a page of 100 or more members fails (500, "Failed query"). A client of the peer on D1 must
 * page, so the workerd peer's scenario reads the 1,000 members as 11 pages of at most 99, in
 * turn; its figures are per page, and the ratio is per whole list (bench/README.md).
 */
export const PEER_WORKERD_PAGE = 99;

export function listMembersPages(organizationId: string, members: number): string[] {
  return Array.from(
    { length: Math.ceil(members / PEER_WORKERD_PAGE) },
    (_, k) =>
      `/api/auth/organization/list-members?organizationId=${organizationId}&limit=${PEER_WORKERD_PAGE}&offset=${k * PEER_WORKERD_PAGE}`,
  );
}

/** The session cookie as Better Auth signs it (better-call's signCookieValue: HMAC-SHA-256, base64). */
function sessionCookie(token: string): string {
  const signature = createHmac("sha256", SECRET).update(token).digest("base64");
  return `${SESSION_COOKIE}=${encodeURIComponent(`${token}.${signature}`)}`;
}

function cookieOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}

async function json<T>(response: Response, what: string): Promise<T> {
  const text = await response.text();
  if (!text) throw new Error(`peer-workerd ${what}: ${response.status} with an empty body`);
  return JSON.parse(text) as T;
}

async function post(origin: string, path: string, body: unknown, cookie = ""): Promise<Response> {
  const response = await fetch(`${origin}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin, cookie },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`peer-workerd ${path}: ${response.status} ${await response.text()}`);
  return response;
}

/**
 * Starts the workerd peer (bench/peer-workerd) with wrangler dev, like Cohort and the ceiling,
 * and seeds it as Cohort is seeded: the Owner signs up and creates the org through Better
 * Auth's API; the 999 filler members, and each invitee's user row, session and pending
 * invitation, go straight into its local D1 (bench/README.md, "Seeding").
 */
export async function startPeerWorkerd(
  workDir: string,
  sizes: { members: number; invites: number },
): Promise<{ worker: DevWorker; seed: PeerSeed }> {
  const worker = await startDevWorker("peer-workerd", `${ROOT}bench/peer-workerd/wrangler.jsonc`, workDir, { AUTH_SECRET: SECRET });
  const origin = worker.url;
  const signedUp = await post(origin, "/api/auth/sign-up/email", {
    email: "owner@example.com",
    password: "correct horse battery",
    name: "owner",
  });
  const ownerCookie = cookieOf(signedUp);
  const ownerId = (await json<{ user: { id: string } }>(signedUp, "sign-up")).user.id;
  const org = await json<{ id: string }>(
    await post(origin, "/api/auth/organization/create", { name: "Peer org", slug: "peer-org" }, ownerCookie),
    "create org",
  );

  const now = Date.now();
  const week = now + 7 * 24 * 60 * 60 * 1000;
  const fillers = Array.from({ length: sizes.members - 1 }, (_, i) => ({ id: randomUUID(), i }));
  const invitees = Array.from({ length: sizes.invites }, (_, i) => ({
    id: randomUUID(),
    email: `invitee${i}@example.com`,
    token: randomBytes(24).toString("base64url"),
    invitationId: randomUUID(),
  }));
  const userColumns = ["id", "name", "email", "email_verified", "created_at", "updated_at"];
  const sql = [
    ...inserts(
      "user",
      userColumns,
      fillers.map(({ id, i }) => [id, `member${i}`, `member${i}@example.com`, 0, now, now]),
    ),
    ...inserts(
      "member",
      ["id", "organization_id", "user_id", "role", "created_at"],
      fillers.map(({ id }) => [randomUUID(), org.id, id, "member", now]),
    ),
    ...inserts(
      "user",
      userColumns,
      invitees.map((u, i) => [u.id, `invitee${i}`, u.email, 0, now, now]),
    ),
    ...inserts(
      "session",
      ["id", "expires_at", "token", "created_at", "updated_at", "user_id"],
      invitees.map((u) => [randomUUID(), week, u.token, now, now, u.id]),
    ),
    ...inserts(
      "invitation",
      ["id", "organization_id", "email", "role", "status", "expires_at", "created_at", "inviter_id"],
      invitees.map((u) => [u.invitationId, org.id, u.email, "member", "pending", week, now, ownerId]),
    ),
  ];
  const file = join(workDir, "peer-workerd-bulk.sql");
  writeSql(file, sql);
  await executeSql(worker, file);

  let listed = 0;
  for (const path of listMembersPages(org.id, sizes.members)) {
    const page = await json<{ members?: unknown[] }>(await fetch(`${origin}${path}`, { headers: { cookie: ownerCookie } }), "list members");
    listed += page.members?.length ?? 0;
  }
  if (listed !== sizes.members) throw new Error(`peer-workerd lists ${listed} members, expected ${sizes.members}`);
  // One seeded session must be accepted as Better Auth's own, or every accept would fail.
  const probe = await fetch(`${origin}/api/auth/get-session`, { headers: { cookie: sessionCookie(invitees[0]!.token) } });
  if (!probe.ok || !(await json<unknown>(probe, "get session"))) throw new Error("peer-workerd does not accept the seeded sessions");
  return {
    worker,
    seed: {
      origin,
      organizationId: org.id,
      ownerCookie,
      invites: invitees.map((u) => ({ invitationId: u.invitationId, cookie: sessionCookie(u.token) })),
    },
  };
}
