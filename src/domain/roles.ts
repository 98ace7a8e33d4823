export const ROLES = ["user", "admin", "owner"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { user: 0, admin: 1, owner: 2 };

/** Each role can do all that the one below it can. */
export function atLeast(role: Role | null, minimum: Role): boolean {
  return role !== null && RANK[role] >= RANK[minimum];
}

export const ROLE_LABELS: Record<Role, string> = { owner: "Owner", admin: "Admin", user: "User" };
