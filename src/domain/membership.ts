import { atLeast, type Role } from "./roles";

/** A member as the rules see them. */
export interface MemberRef {
  userId: string;
  role: Role;
}

export type RefusalCode = "forbidden" | "not_found" | "conflict" | "owner_must_transfer" | "target_not_admin" | "confirmation_mismatch";

export type Verdict = { ok: true } | { ok: false; code: RefusalCode; message: string };

const allow: Verdict = { ok: true };

function refuse(code: RefusalCode, message: string): Verdict {
  return { ok: false, code, message };
}

/** Editing the profile and reading the audit log: Admins and the Owner. */
export function mayManageOrg(actor: Role | null): boolean {
  return atLeast(actor, "admin");
}

/** Listing every volume of the org (`?all=1`): Admins and the Owner. */
export function maySeeAllVolumes(actor: Role | null): boolean {
  return atLeast(actor, "admin");
}

/** Only the Owner promotes and demotes; the Owner's own role changes only by transfer. */
export function mayChangeRole(actor: MemberRef, target: MemberRef | null): Verdict {
  if (actor.role !== "owner") return refuse("forbidden", "Only the Owner can promote or demote members.");
  if (!target) return refuse("not_found", "That person is not a member of this organization.");
  if (target.role === "owner") return refuse("conflict", "The Owner's role changes only by transferring ownership.");
  return allow;
}

/** The Owner removes anyone but themself; Admins remove Users only. */
export function mayRemove(actor: MemberRef, target: MemberRef | null): Verdict {
  if (!atLeast(actor.role, "admin")) return refuse("forbidden", "Only Admins and the Owner can remove members.");
  if (!target) return refuse("not_found", "That person is not a member of this organization.");
  if (target.userId === actor.userId && actor.role === "owner") {
    return refuse("owner_must_transfer", "The Owner cannot be removed; transfer ownership first.");
  }
  if (actor.role === "admin" && target.role !== "user") return refuse("forbidden", "Admins can remove Users only.");
  return allow;
}

/** Admins and Users leave freely; the Owner must first hand ownership to an Admin. */
export function mayLeave(actor: MemberRef): Verdict {
  if (actor.role === "owner") return refuse("owner_must_transfer", "The Owner cannot leave; transfer ownership to an Admin first.");
  return allow;
}

export interface TransferConfirmation {
  confirmOrgName: string;
  confirmUsername: string;
}

/**
 * The Owner hands ownership to an Admin, confirmed by typing the org's name and the target's
 * username exactly. A mistyped confirmation is answered as such before the target's role is
 * judged: the confirmation is what guards against an accidental transfer.
 */
export function mayTransfer(
  actor: MemberRef,
  target: (MemberRef & { username: string }) | null,
  orgName: string,
  confirmation: TransferConfirmation,
): Verdict {
  if (actor.role !== "owner") return refuse("forbidden", "Only the Owner can transfer ownership.");
  if (!target) return refuse("not_found", "That person is not a member of this organization.");
  if (confirmation.confirmOrgName !== orgName || confirmation.confirmUsername !== target.username) {
    return refuse("confirmation_mismatch", "Type the organization's name and the member's username exactly.");
  }
  if (target.role !== "admin") return refuse("target_not_admin", "Ownership can only be transferred to an Admin.");
  return allow;
}

/** Machines and volumes are changed and deleted by the member who made them, only. */
export function mayDeleteResource(actorId: string, ownerId: string): Verdict {
  return actorId === ownerId ? allow : refuse("forbidden", "You can delete only your own resources.");
}

/** Members are listed Owner first, then Admins, then Users; by join time within a role. */
export const ROLE_ORDER: Record<Role, number> = { owner: 0, admin: 1, user: 2 };
