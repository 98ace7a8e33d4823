import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import { inserts, writeSql } from "./bulk-accounts.ts";
import { ROOT } from "./processes.ts";
import { executeSql, startDevWorker, type DevWorker } from "./wrangler-dev.ts";
import type { PeerSeed } from "./peer.ts";

const SECRET = "peer-workerd-bench-secret-0123456789abcdef0123456789";
const SESSION_COOKIE = "better-auth.session_token";

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
export async function startPeerWorkerd(workDir: string, sizes: { members: number; invites: number }): Promise<{ worker: DevWorker; seed: PeerSeed }> {
  const worker = await startDevWorker("peer-workerd", `${ROOT}bench/peer-workerd/wrangler.jsonc`, workDir, { AUTH_SECRET: SECRET });
  const origin = worker.url;
  const signedUp = await post(origin, "/api/auth/sign-up/email", { email: "owner@example.com", password: "correct horse battery", name: "owner" });
  const ownerCookie = cookieOf(signedUp);
  const ownerId = ((await signedUp.json()) as { user: { id: string } }).user.id;
  const org = (await (await post(origin, "/api/auth/organization/create", { name: "Peer org", slug: "peer-org" }, ownerCookie)).json()) as { id: string };

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
    ...inserts("user", userColumns, fillers.map(({ id, i }) => [id, `member${i}`, `member${i}@example.com`, 0, now, now])),
    ...inserts("member", ["id", "organization_id", "user_id", "role", "created_at"], fillers.map(({ id }) => [randomUUID(), org.id, id, "member", now])),
    ...inserts("user", userColumns, invitees.map((u, i) => [u.id, `invitee${i}`, u.email, 0, now, now])),
    ...inserts("session", ["id", "expires_at", "token", "created_at", "updated_at", "user_id"], invitees.map((u) => [randomUUID(), week, u.token, now, now, u.id])),
    ...inserts(
      "invitation",
      ["id", "organization_id", "email", "role", "status", "expires_at", "created_at", "inviter_id"],
      invitees.map((u) => [u.invitationId, org.id, u.email, "member", "pending", week, now, ownerId]),
    ),
  ];
  const file = join(workDir, "peer-workerd-bulk.sql");
  writeSql(file, sql);
  await executeSql(worker, file);

  const listed = await fetch(`${origin}/api/auth/organization/list-members?organizationId=${org.id}&limit=${sizes.members}`, { headers: { cookie: ownerCookie } });
  const body = (await listed.json()) as { members?: unknown[] };
  if (body.members?.length !== sizes.members) throw new Error(`peer-workerd lists ${body.members?.length} members, expected ${sizes.members}`);
  // One seeded session must be accepted as Better Auth's own, or every accept would fail.
  const probe = await fetch(`${origin}/api/auth/get-session`, { headers: { cookie: sessionCookie(invitees[0]!.token) } });
  if (!probe.ok || !(await probe.json())) throw new Error("peer-workerd does not accept the seeded sessions");
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
