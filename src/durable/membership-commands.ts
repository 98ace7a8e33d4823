import { insertAudit, type Statement } from "../db/batch";
import type { Db } from "../db/client";
import {
  findMembers,
  findOrg,
  findOwner,
  findUser,
  hasMembership,
  listLeadership,
  byRoleThenJoined,
  withoutVersion,
  type MemberRecord,
  type MemberWithMachines,
  type OrgRecord,
} from "../db/org-queries";
import { listMemberMachines } from "../db/machine-queries";
import {
  bumpVersion,
  guardMachines,
  guardOneOwner,
  guardRole,
  guardVersion,
  insertMembership,
  insertOrg,
  setRole,
  updateProfile,
} from "../db/org-writes";
import { AUDIT_ACTIONS } from "../domain/audit";
import { newSortableId } from "../domain/ids";
import {
  mayChangeRole,
  mayLeave,
  mayManageOrg,
  mayRemove,
  mayTransfer,
  type MemberRef,
  type TransferConfirmation,
  type Verdict,
} from "../domain/membership";
import type { Role } from "../domain/roles";
import { changedFields, type ProfileInput, type ProfilePatch } from "../domain/org-profile";
import { refuse, type CommandInput, type Decision } from "./command";
import { departureStatements } from "./departure";

export type { CommandInput } from "./command";

export type CreateOrgInput = CommandInput & { profile: ProfileInput };
export type UpdateProfileInput = CommandInput & { patch: ProfilePatch };
export type ChangeRoleInput = CommandInput & { targetId: string; role: "admin" | "user"; seen?: SeenRoleChange | undefined };
export type RemoveMemberInput = CommandInput & { targetId: string };
export type TransferInput = CommandInput & TransferConfirmation & { targetId: string };

const NOT_MEMBER = "You are not a member of this organization.";

/** Time-ordered audit ids for one batch, in the order its events happened. */
function auditIds(at: Date, count: number): string[] {
  return Array.from({ length: count }, () => newSortableId(at.getTime())).sort();
}

function refused(verdict: Verdict): Decision<never> | null {
  return verdict.ok ? null : refuse(verdict.code, verdict.message);
}

function ref(member: { userId: string; username: string }) {
  return { userId: member.userId, username: member.username };
}

export async function decideCreateOrg(db: Db, input: CreateOrgInput, at: Date): Promise<Decision<{ org: OrgRecord }>> {
  const [actor, alreadyMember] = await Promise.all([findUser(db, input.actorId), hasMembership(db, input.actorId)]);
  if (!actor) return refuse("not_found", "No such user.");
  if (alreadyMember) return refuse("already_in_org");
  const org: OrgRecord = {
    id: input.orgId,
    name: input.profile.name,
    website: input.profile.website ?? "",
    location: input.profile.location ?? "",
    sector: input.profile.sector ?? "",
    universityName: input.profile.universityName ?? "",
    description: input.profile.description ?? "",
    createdAt: at.toISOString(),
  };
  const [auditId] = auditIds(at, 1);
  const statements: Statement[] = [
    insertOrg(db, { ...org, createdAt: at }),
    // A concurrent join or create elsewhere hits membership's primary key: already_in_org.
    insertMembership(db, { userId: actor.id, orgId: org.id, role: "owner", joinedAt: at }),
    insertAudit(db, {
      id: auditId!,
      orgId: org.id,
      at,
      action: AUDIT_ACTIONS.orgCreated,
      actor: { userId: actor.id, username: actor.username },
      details: { name: org.name },
    }),
    guardOneOwner(db, org.id),
  ];
  return { ok: true, statements, value: { org } };
}

export async function decideUpdateProfile(db: Db, input: UpdateProfileInput, at: Date): Promise<Decision<{ org: OrgRecord }>> {
  const [org, members] = await Promise.all([findOrg(db, input.orgId), findMembers(db, input.orgId, [input.actorId])]);
  const actor = members.get(input.actorId);
  if (!org || !actor) return refuse("not_found", NOT_MEMBER);
  if (!mayManageOrg(actor.role)) return refuse("forbidden", "Only Admins and the Owner can edit the organization.");
  const changes = changedFields(org, input.patch);
  const fields = Object.keys(changes);
  const updated = { ...withoutVersion(org), ...changes };
  if (fields.length === 0) return { ok: true, statements: [], value: { org: updated } };
  const [auditId] = auditIds(at, 1);
  const statements = [
    guardVersion(db, org.id, org.version),
    guardRole(db, org.id, actor.userId, actor.role),
    updateProfile(db, org.id, changes),
    bumpVersion(db, org.id),
    insertAudit(db, { id: auditId!, orgId: org.id, at, action: AUDIT_ACTIONS.profileEdited, actor: ref(actor), details: { fields } }),
  ];
  return { ok: true, statements, value: { org: updated } };
}

/**
 * The change as the edge saw it (src/routes/members.ts reads it beside the principal): the
 * actor's role and username and the target with their machines. Tried first, without reading;
 * its guards assert every fact the decision used, so a stale view only costs a decision again.
 */
export interface SeenRoleChange {
  actor: { role: Role; username: string };
  target: MemberWithMachines;
}

export async function decideChangeRole(
  db: Db,
  input: ChangeRoleInput,
  at: Date,
  attempt = 1,
): Promise<Decision<{ member: MemberWithMachines }>> {
  if (attempt === 0 && input.seen) {
    const { actor, target } = input.seen;
    return roleChange(db, input, { userId: input.actorId, ...actor }, target, at, [
      guardMachines(db, input.orgId, target.userId, target.machines),
    ]);
  }
  // The target's machines (for the answer) are read beside the rest, not after: one round trip.
  const [org, members, machines] = await Promise.all([
    findOrg(db, input.orgId),
    findMembers(db, input.orgId, [input.actorId, input.targetId]),
    listMemberMachines(db, input.orgId, input.targetId),
  ]);
  const actor = members.get(input.actorId);
  const target = members.get(input.targetId);
  if (!org || !actor) return refuse("not_found", NOT_MEMBER);
  return roleChange(db, input, actor, target && { ...target, machines }, at, [guardVersion(db, org.id, org.version)]);
}

function roleChange(
  db: Db,
  input: ChangeRoleInput,
  actor: MemberRef & { username: string },
  target: MemberWithMachines | undefined,
  at: Date,
  guards: Statement[],
): Decision<{ member: MemberWithMachines }> {
  const refusal = refused(mayChangeRole(actor, target ?? null));
  if (refusal || !target) return refusal ?? refuse("not_found");
  const member = { ...target, role: input.role };
  if (target.role === input.role) return { ok: true, statements: [], value: { member } };
  const [auditId] = auditIds(at, 1);
  const statements = [
    ...guards,
    guardRole(db, input.orgId, actor.userId, actor.role),
    guardRole(db, input.orgId, target.userId, target.role),
    setRole(db, input.orgId, target.userId, target.role, input.role),
    bumpVersion(db, input.orgId),
    insertAudit(db, {
      id: auditId!,
      orgId: input.orgId,
      at,
      action: AUDIT_ACTIONS.roleChanged,
      actor: ref(actor),
      target: ref(target),
      details: { from: target.role, to: input.role },
    }),
    guardOneOwner(db, input.orgId),
  ];
  return { ok: true, statements, value: { member } };
}

export async function decideRemoveMember(db: Db, input: RemoveMemberInput, at: Date): Promise<Decision<{ removed: string }>> {
  const [org, members, owner] = await Promise.all([
    findOrg(db, input.orgId),
    findMembers(db, input.orgId, [input.actorId, input.targetId]),
    findOwner(db, input.orgId),
  ]);
  const actor = members.get(input.actorId);
  if (!org || !actor || !owner) return refuse("not_found", NOT_MEMBER);
  const target = members.get(input.targetId) ?? null;
  const refusal = refused(mayRemove(actor, target));
  if (refusal) return refusal;
  return {
    ok: true,
    statements: departureStatements({ db, orgId: org.id, at, actor, departing: target!, owner }, org.version, AUDIT_ACTIONS.memberRemoved),
    value: { removed: target!.userId },
  };
}

export async function decideLeave(db: Db, input: CommandInput, at: Date): Promise<Decision<{ left: string }>> {
  const [org, members, owner] = await Promise.all([
    findOrg(db, input.orgId),
    findMembers(db, input.orgId, [input.actorId]),
    findOwner(db, input.orgId),
  ]);
  const actor = members.get(input.actorId);
  if (!org || !actor || !owner) return refuse("not_found", NOT_MEMBER);
  const refusal = refused(mayLeave(actor));
  if (refusal) return refusal;
  return {
    ok: true,
    statements: departureStatements({ db, orgId: org.id, at, actor, departing: actor, owner }, org.version, AUDIT_ACTIONS.memberLeft),
    value: { left: actor.userId },
  };
}

/** What a transfer answers: the org card as the former Owner (now an Admin) sees it after. */
export interface TransferView {
  org: OrgRecord;
  role: "admin";
  leadership: Pick<MemberRecord, "userId" | "username" | "name" | "role">[];
}

/** The leadership after the transfer, computed from the state the decision read (a replay answers it as stored). */
function leadershipAfter(leaders: MemberRecord[], previousOwnerId: string, newOwnerId: string): TransferView["leadership"] {
  const role = (leader: MemberRecord) =>
    leader.userId === newOwnerId ? "owner" : leader.userId === previousOwnerId ? "admin" : leader.role;
  return leaders
    .map((leader) => ({ ...leader, role: role(leader) }))
    .sort(byRoleThenJoined)
    .map(({ userId, username, name, role }) => ({ userId, username, name, role }));
}

export async function decideTransfer(
  db: Db,
  input: TransferInput,
  at: Date,
): Promise<Decision<{ owner: MemberRecord; previousOwner: MemberRecord; view: TransferView }>> {
  const [org, members, leaders] = await Promise.all([
    findOrg(db, input.orgId),
    findMembers(db, input.orgId, [input.actorId, input.targetId]),
    listLeadership(db, input.orgId),
  ]);
  const actor = members.get(input.actorId);
  if (!org || !actor) return refuse("not_found", NOT_MEMBER);
  const target = members.get(input.targetId) ?? null;
  const refusal = refused(mayTransfer(actor, target, org.name, input));
  if (refusal) return refusal;
  const [auditId] = auditIds(at, 1);
  const statements = [
    guardVersion(db, org.id, org.version),
    guardRole(db, org.id, actor.userId, "owner"),
    guardRole(db, org.id, target!.userId, "admin"),
    // Demote first: the one-owner unique index is checked per statement.
    setRole(db, org.id, actor.userId, "owner", "admin"),
    setRole(db, org.id, target!.userId, "admin", "owner"),
    bumpVersion(db, org.id),
    insertAudit(db, {
      id: auditId!,
      orgId: org.id,
      at,
      action: AUDIT_ACTIONS.ownershipTransferred,
      actor: ref(actor),
      target: ref(target!),
      details: {},
    }),
    guardOneOwner(db, org.id),
  ];
  return {
    ok: true,
    statements,
    value: {
      owner: { ...target!, role: "owner" },
      previousOwner: { ...actor, role: "admin" },
      view: { org: withoutVersion(org), role: "admin", leadership: leadershipAfter(leaders, actor.userId, target!.userId) },
    },
  };
}
