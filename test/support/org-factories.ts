import { env } from "cloudflare:workers";
import { api } from "./client";
import { signUp, unique, type TestUser } from "./factories";
import { typedClient } from "./typed-client";

export interface TestOrg {
  id: string;
  name: string;
  owner: TestUser;
  admins: TestUser[];
  users: TestUser[];
}

/** Creates an org through the API with `owner` as its Owner. */
export async function createOrgFor(owner: TestUser, profile: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const name = (profile.name as string | undefined) ?? unique("Org ");
  const response = await typedClient(owner.cookie).api.orgs.$post({ json: { name, ...profile } });
  if (response.status !== 201) throw new Error(`create org failed: ${response.status} ${await response.text()}`);
  const { org } = await response.json();
  return { id: org.id, name: org.name };
}

/**
 * Makes `user` a member of the org with `role`. Written straight to D1 until join codes can
 * be redeemed through the API; switch this one function to real redemption then.
 */
export async function addMember(orgId: string, user: TestUser, role: "admin" | "user"): Promise<void> {
  await env.DB.prepare("INSERT INTO membership (user_id, org_id, role, joined_at) VALUES (?, ?, ?, ?)")
    .bind(user.id, orgId, role, Date.now())
    .run();
}

/** A new user who is a member of the org with `role`. */
export async function newMember(orgId: string, role: "admin" | "user"): Promise<TestUser> {
  const user = await signUp();
  await addMember(orgId, user, role);
  return user;
}

/** An org with a fresh Owner, `admins` Admins and `users` Users. */
export async function orgWith(counts: { admins?: number; users?: number } = {}): Promise<TestOrg> {
  const owner = await signUp();
  const org = await createOrgFor(owner);
  const admins = await Promise.all(Array.from({ length: counts.admins ?? 0 }, () => newMember(org.id, "admin")));
  const users = await Promise.all(Array.from({ length: counts.users ?? 0 }, () => newMember(org.id, "user")));
  return { ...org, owner, admins, users };
}

/** Volumes written straight to D1, for tests about many volumes (not about creating them). */
export async function insertVolumes(
  orgId: string,
  ownerId: string,
  count: number,
): Promise<{ id: string; name: string; sizeGb: number }[]> {
  const volumes = Array.from({ length: count }, (_, i) => ({ id: unique("vol"), name: `volume ${i}`, sizeGb: (i % 50) + 1 }));
  const statement = env.DB.prepare("INSERT INTO volume (id, org_id, owner_id, name, size_gb, created_at) VALUES (?, ?, ?, ?, ?, ?)");
  await env.DB.batch(volumes.map((v) => statement.bind(v.id, orgId, ownerId, v.name, v.sizeGb, Date.now())));
  return volumes;
}
