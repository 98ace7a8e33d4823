import { createMiddleware } from "hono/factory";
import type { Role } from "../../domain/roles";
import type { AppEnv, Principal } from "../../env";
import type { Viewer } from "../../views/layout";

/** A signed-in member of an org, as every member page sees them (read fresh from D1). */
export interface Member {
  user: Principal["user"];
  org: { id: string; name: string };
  role: Role;
}

export interface MemberEnv extends AppEnv {
  Variables: AppEnv["Variables"] & { member: Member };
}

export interface NoOrgEnv extends AppEnv {
  Variables: AppEnv["Variables"] & { user: Principal["user"] };
}

/** Member pages: signed-out people go to sign in, people without an org to account setup. */
export const memberOnly = createMiddleware<MemberEnv>(async (c, next) => {
  const principal = c.get("principal");
  if (!principal) return c.redirect("/sign-in", 303);
  if (!principal.org || !principal.role) return c.redirect("/setup", 303);
  c.set("member", { user: principal.user, org: principal.org, role: principal.role });
  await next();
});

/** Account setup: only for signed-in people who have no org yet. */
export const withoutOrgOnly = createMiddleware<NoOrgEnv>(async (c, next) => {
  const principal = c.get("principal");
  if (!principal) return c.redirect("/sign-in", 303);
  if (principal.org) return c.redirect("/", 303);
  c.set("user", principal.user);
  await next();
});

/** Sign-up and sign-in: someone already signed in is taken onward instead. */
export const signedOutOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get("principal")) return c.redirect("/", 303);
  await next();
});

/** Pages hold private data: never cached, by the browser's back button included. */
export const noStore = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store");
});

export function memberViewer(member: Member): Viewer {
  return { kind: "member", username: member.user.username, orgName: member.org.name, role: member.role };
}

/** The header's viewer for whoever is signed in (member or not), or nobody. */
export function viewerOf(principal: Principal | null): Viewer {
  if (!principal) return { kind: "anonymous" };
  return principal.org && principal.role
    ? memberViewer({ user: principal.user, org: principal.org, role: principal.role })
    : { kind: "no-org", username: principal.user.username };
}
