import { mayManageOrg } from "../../domain/membership";
import { ROLE_LABELS } from "../../domain/roles";
import type { Viewer } from "../layout";

export type NavKey = "dashboard" | "members" | "machines" | "volumes" | "projects" | "jobs" | "settings" | "activity";

const NAV: { key: NavKey; href: string; label: string }[] = [
  { key: "dashboard", href: "/", label: "Dashboard" },
  { key: "members", href: "/members", label: "Members" },
  { key: "machines", href: "/machines", label: "Machines" },
  { key: "volumes", href: "/volumes", label: "Volumes" },
  { key: "projects", href: "/projects", label: "Projects" },
  { key: "jobs", href: "/jobs", label: "Jobs" },
  { key: "settings", href: "/settings", label: "Settings" },
  { key: "activity", href: "/activity", label: "Activity" },
];

export function SiteHeader({ viewer, current }: { viewer: Viewer; current?: NavKey | undefined }) {
  return (
    <header class="site-header">
      <div class="site-header-bar">
        <a class="brand" href="/">
          {viewer.kind === "member" ? viewer.orgName : "Cohort"}
        </a>
        {viewer.kind === "anonymous" ? null : (
          <div class="account">
            <span class="account-name">
              {viewer.username}
              {viewer.kind === "member" ? <span class="muted"> · {ROLE_LABELS[viewer.role]}</span> : null}
            </span>
            <form method="post" action="/sign-out">
              <button type="submit" class="button-quiet">
                Sign out
              </button>
            </form>
          </div>
        )}
      </div>
      {viewer.kind === "member" ? (
        <nav aria-label="Main">
          <ul>
            {NAV.filter((item) => item.key !== "activity" || mayManageOrg(viewer.role)).map((item) => (
              <li>
                <a href={item.href} aria-current={item.key === current ? "page" : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
    </header>
  );
}
