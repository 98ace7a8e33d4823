import type { CodeRole } from "./join-code";
import { atLeast, type Role } from "./roles";

export type CodeRuleVerdict = { ok: true } | { ok: false; code: "forbidden" | "invalid_request"; message: string };

const allowed: CodeRuleVerdict = { ok: true };

/** Admins and the Owner make join codes; only the Owner makes admin invites, one at a time. */
export function mayCreateCodes(actor: Role | null, role: CodeRole, count: number): CodeRuleVerdict {
  if (!atLeast(actor, "admin")) return { ok: false, code: "forbidden", message: "Only Admins and the Owner can create join codes." };
  if (role === "admin" && actor !== "owner") return { ok: false, code: "forbidden", message: "Only the Owner can create admin invites." };
  if (role === "admin" && count !== 1) return { ok: false, code: "invalid_request", message: "Admin invites are created one at a time." };
  return allowed;
}

/** Admins revoke join codes; the Owner revokes any code, admin invites included. */
export function mayRevokeCode(actor: Role | null, role: CodeRole): boolean {
  return actor === "owner" || (actor === "admin" && role === "user");
}

/** Which codes a member sees in the list: the Owner all, Admins join codes only. */
export function visibleCodeRoles(actor: Role | null): CodeRole[] {
  if (actor === "owner") return ["user", "admin"];
  if (actor === "admin") return ["user"];
  return [];
}
