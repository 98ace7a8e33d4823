import { expect } from "vitest";
import { api } from "../support/client";
import { signUp, tokenFor, unique } from "../support/factories";
import { invariantViolations } from "../model/invariants";
import { joinWithCode } from "../model/join";
import type { PoolUser } from "../model/real-world";

export interface FaultOrg {
  orgId: string;
  orgName: string;
  owner: PoolUser;
  admins: PoolUser[];
  users: PoolUser[];
  /** Volume ids per user id, made through the API. */
  volumes: Map<string, string[]>;
}

async function member(): Promise<PoolUser> {
  const user = await signUp({ username: unique("f") });
  return { ...user, token: await tokenFor(user) };
}

/** An org made through the public API: an Owner, Admins and Users joined by code, each with volumes and a machine. */
export async function faultOrg(options: { admins?: number; users?: number; volumesEach?: number } = {}): Promise<FaultOrg> {
  const owner = await member();
  const orgName = unique("Fault Lab ");
  const created = await api("/api/orgs", { body: { name: orgName }, as: owner.token });
  expect(created.status).toBe(201);
  const orgId: string = created.body.org.id;
  const admins = await Promise.all(Array.from({ length: options.admins ?? 1 }, member));
  const users = await Promise.all(Array.from({ length: options.users ?? 1 }, member));
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

export async function expectInvariants(): Promise<void> {
  expect(await invariantViolations()).toEqual([]);
}
