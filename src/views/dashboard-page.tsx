import { ROLE_LABELS, type Role } from "../domain/roles";
import type { OrgProfile } from "../domain/org-profile";
import { OrgCard } from "./components/org-card";
import { RoleBadge } from "./components/role-badge";

export interface PersonView {
  userId: string;
  username: string;
  name: string;
  role: Role;
}

const ROLE_MEANING: Record<Role, string> = {
  owner: "You can do everything: manage members and codes, promote and demote Admins, and transfer ownership.",
  admin: "You can invite members, remove Users and edit the organization's settings.",
  user: "You can queue jobs, upload projects and volumes, and register machines.",
};

export function DashboardPage({ org, leadership, role }: { org: OrgProfile; leadership: PersonView[]; role: Role }) {
  return (
    <>
      <OrgCard org={org} />
      <div class="columns">
        <section class="card" aria-labelledby="leadership-heading">
          <h2 id="leadership-heading">Leadership</h2>
          <p class="muted">Who to contact about this organization.</p>
          <ul class="people">
            {leadership.map((person) => (
              <li>
                <span class="person">
                  <span class="person-name">{person.name}</span> <span class="muted">@{person.username}</span>
                </span>
                <RoleBadge role={person.role} />
              </li>
            ))}
          </ul>
        </section>
        <section class="card" aria-labelledby="role-heading">
          <h2 id="role-heading">Your role</h2>
          <p>
            You are {role === "owner" ? "the" : "a"} <strong>{ROLE_LABELS[role]}</strong> of {org.name}.
          </p>
          <p class="muted">{ROLE_MEANING[role]}</p>
        </section>
      </div>
    </>
  );
}
