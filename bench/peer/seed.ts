import { randomUUID } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import type { PeerAuth } from "./auth.ts";

interface Seeded {
  organizationId: string;
  ownerCookie: string;
  invites: { invitationId: string; cookie: string }[];
}

function cookieOf(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}

/** Signs a user up through Better Auth's API and returns their id and session cookie. */
async function signUp(auth: PeerAuth, name: string) {
  const { headers, response } = await auth.api.signUpEmail({
    body: { email: `${name}@example.com`, password: "correct horse battery", name },
    returnHeaders: true,
  });
  return { id: response.user.id, email: response.user.email, cookie: cookieOf(headers) };
}

async function inBatches<T>(count: number, size: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += size) {
    const batch = Array.from({ length: Math.min(size, count - start) }, (_, k) => make(start + k));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

/**
 * Filler members straight into the peer's tables, as Cohort's big orgs get theirs: rows that
 * only fill the list (users who never sign in).
 */
function addFillerMembers(database: DatabaseSync, organizationId: string, count: number): void {
  const now = new Date().toISOString();
  const user = database.prepare(
    "INSERT INTO user (id, name, email, emailVerified, image, createdAt, updatedAt) VALUES (?, ?, ?, 0, NULL, ?, ?)",
  );
  const member = database.prepare("INSERT INTO member (id, organizationId, userId, role, createdAt) VALUES (?, ?, ?, 'member', ?)");
  database.exec("BEGIN");
  for (let i = 0; i < count; i += 1) {
    const id = randomUUID();
    user.run(id, `member${i}`, `member${i}@example.com`, now, now);
    member.run(randomUUID(), organizationId, id, now);
  }
  database.exec("COMMIT");
}

/**
 * One org with `members` members (the owner included) for list-members, and `invites`
 * pending invitations, each with its recipient's session (signed up through Better Auth's
 * API), for accept-invitation.
 */
export async function seedPeer(
  auth: PeerAuth,
  database: DatabaseSync,
  origin: string,
  counts: { members: number; invites: number },
): Promise<Seeded> {
  const owner = await signUp(auth, "owner");
  const ownerHeaders = new Headers({ cookie: owner.cookie, origin });
  const org = await auth.api.createOrganization({ body: { name: "Peer org", slug: "peer-org" }, headers: ownerHeaders });
  if (!org) throw new Error("the peer's org was not created");
  addFillerMembers(database, org.id, counts.members - 1);
  const invites = await inBatches(counts.invites, 50, async (i) => {
    const invitee = await signUp(auth, `invitee${i}`);
    const invitation = await auth.api.createInvitation({
      body: { email: invitee.email, role: "member", organizationId: org.id },
      headers: ownerHeaders,
    });
    return { invitationId: invitation.id, cookie: invitee.cookie };
  });
  return { organizationId: org.id, ownerCookie: owner.cookie, invites };
}
