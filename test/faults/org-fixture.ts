import { expect } from "vitest";
import { api } from "../support/client";
import { signUpWithToken, unique, type UserWithToken } from "../support/factories";
import { joinWithCode } from "../support/join";

export interface FaultOrg {
  orgId: string;
  orgName: string;
  owner: UserWithToken;
  admins: UserWithToken[];
  users: UserWithToken[];
  /** Volume ids per user id, made through the API. */
  volumes: Map<string, string[]>;
}

/** An org made through the public API: an Owner, Admins and Users joined by code, each with volumes and a machine. */
export async function faultOrg(options: { admins?: number; users?: number; volumesEach?: number } = {}): Promise<FaultOrg> {
  const owner = await signUpWithToken("f");
  const orgName = unique("Fault Lab ");
  const created = await api("/api/orgs", { body: { name: orgName }, as: owner.token });
  expect(created.status).toBe(201);
  const orgId: string = created.body.org.id;
  const admins = await Promise.all(Array.from({ length: options.admins ?? 1 }, () => signUpWithToken("f")));
  const users = await Promise.all(Array.from({ length: options.users ?? 1 }, () => signUpWithToken("f")));
  for (const admin of admins) expect((await joinWithCode(owner, orgId, admin, "admin")).status).toBe(200);
  for (const user of users) expect((await joinWithCode(owner, orgId, user, "user")).status).toBe(200);
  const volumes = new Map<string, string[]>();
  for (const person of [owner, ...admins, ...users]) {
    const ids: string[] = [];
    for (let i = 0; i < (options.volumesEach ?? 2); i += 1) {
      const made = await api(`/api/orgs/${orgId}/volumes`, { body: { name: `vol-${i}`, sizeGb: 10 + i }, as: person.token });
      expect(made.status).toBe(201);
      ids.push(made.body.volume.id);
    }
    expect((await api(`/api/orgs/${orgId}/machines`, { body: { name: "node" }, as: person.token })).status).toBe(201);
    volumes.set(person.id, ids);
  }
  return { orgId, orgName, owner, admins, users, volumes };
}
