import { expect } from "vitest";
import { api, type ApiOptions } from "../support/client";
import type { orgSnapshot } from "../support/org-state";
import type { FaultOrg } from "./org-fixture";

export type Snapshot = Awaited<ReturnType<typeof orgSnapshot>>;

/**
 * One org mutation as a client sends it, with what it answers and what "applied exactly once"
 * means for it in D1 (`before` is the org's state before the first attempt).
 */
export interface MutationSpec {
  name: string;
  request: (org: FaultOrg) => { path: string } & ApiOptions;
  status: number;
  appliedOnce: (org: FaultOrg, before: Snapshot, after: Snapshot) => void;
}

function newEvents(before: Snapshot, after: Snapshot) {
  return after.events.slice(before.events.length).map((event) => event.action);
}

function expectDeparted(org: FaultOrg, before: Snapshot, after: Snapshot, userId: string, action: string) {
  expect(after.members.map((m) => m.user_id)).not.toContain(userId);
  expect(after.members).toHaveLength(before.members.length - 1);
  // Same ids, names and sizes, now the Owner's; none lost, none made.
  const moved = before.volumes.filter((v) => v.owner_id === userId).map((v) => ({ ...v, owner_id: org.owner.id }));
  expect(after.volumes).toEqual(expect.arrayContaining(moved));
  expect(after.volumes).toHaveLength(before.volumes.length);
  expect(after.machines.filter((m) => m.owner_id === userId)).toEqual([]);
  expect(newEvents(before, after).sort()).toEqual([action, "volumes.moved"].sort());
  expect(after.operations).toHaveLength(before.operations.length + 1);
}

export const MUTATIONS: MutationSpec[] = [
  {
    name: "removing a User",
    request: (org) => ({ path: `/api/orgs/${org.orgId}/members/${org.users[0]!.id}`, method: "DELETE", as: org.owner.token }),
    status: 204,
    appliedOnce: (org, before, after) => expectDeparted(org, before, after, org.users[0]!.id, "member.removed"),
  },
  {
    name: "a User leaving",
    request: (org) => ({ path: `/api/orgs/${org.orgId}/leave`, method: "POST", as: org.users[0]!.token }),
    status: 200,
    appliedOnce: (org, before, after) => expectDeparted(org, before, after, org.users[0]!.id, "member.left"),
  },
  {
    name: "promoting a User",
    request: (org) => ({
      path: `/api/orgs/${org.orgId}/members/${org.users[0]!.id}/role`,
      method: "PUT",
      body: { role: "admin" },
      as: org.owner.token,
    }),
    status: 200,
    appliedOnce: (org, before, after) => {
      expect(after.members.find((m) => m.user_id === org.users[0]!.id)?.role).toBe("admin");
      expect(newEvents(before, after)).toEqual(["role.changed"]);
      expect(after.org?.version).toBe((before.org?.version as number) + 1);
    },
  },
  {
    name: "transferring ownership",
    request: (org) => ({
      path: `/api/orgs/${org.orgId}/transfer`,
      method: "POST",
      body: { userId: org.admins[0]!.id, confirmOrgName: org.orgName, confirmUsername: org.admins[0]!.username },
      as: org.owner.token,
    }),
    status: 200,
    appliedOnce: (org, before, after) => {
      const roles = Object.fromEntries(after.members.map((m) => [m.user_id, m.role]));
      expect(roles[org.admins[0]!.id]).toBe("owner");
      expect(roles[org.owner.id]).toBe("admin");
      expect(newEvents(before, after)).toEqual(["ownership.transferred"]);
    },
  },
  {
    name: "editing the profile",
    request: (org) => ({
      path: `/api/orgs/${org.orgId}`,
      method: "PATCH",
      body: { description: "Edited once." },
      as: org.admins[0]!.token,
    }),
    status: 200,
    appliedOnce: (_org, before, after) => {
      expect(after.org?.description).toBe("Edited once.");
      expect(newEvents(before, after)).toEqual(["profile.edited"]);
      expect(after.org?.version).toBe((before.org?.version as number) + 1);
    },
  },
  {
    name: "creating a volume",
    request: (org) => ({
      path: `/api/orgs/${org.orgId}/volumes`,
      method: "POST",
      body: { name: "made-once", sizeGb: 7 },
      as: org.users[0]!.token,
    }),
    status: 201,
    appliedOnce: (org, before, after) => {
      expect(after.volumes.filter((v) => v.name === "made-once")).toEqual([
        expect.objectContaining({ owner_id: org.users[0]!.id, size_gb: 7 }),
      ]);
      expect(after.volumes).toHaveLength(before.volumes.length + 1);
    },
  },
];

/** Sends the spec's request with an Idempotency-Key. */
export function send(spec: MutationSpec, org: FaultOrg, key: string) {
  const { path, ...options } = spec.request(org);
  return api(path, { ...options, headers: { ...options.headers, "Idempotency-Key": key } });
}
