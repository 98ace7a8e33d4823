import { ROLE_LABELS, type Role } from "../../domain/roles";

export function RoleBadge({ role }: { role: Role }) {
  return <span class={`badge badge-${role}`}>{ROLE_LABELS[role]}</span>;
}
