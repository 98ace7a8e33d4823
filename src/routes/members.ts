import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { sessionCookieName } from "../auth/better-auth";
import { createDb } from "../db/client";
import { findMemberWithMachines, listMembers } from "../db/org-queries";
import { roleChangeSchema } from "../domain/org-profile";
import type { AppEnv } from "../env";
import { commandBody, orgCommand, requireMember } from "./org-access";

export const ROLE_CHANGE_PATH = "/api/orgs/:orgId/members/:userId/role";

/**
 * A role change answers with the target and their machines: this starts that read before
 * the principal is resolved, so the two D1 round trips overlap, and the org object, given
 * what was seen, commits without reading (its guards check it). Registered in app.ts after
 * the CSRF check and before resolvePrincipal; only for a request that carries a credential,
 * and its result is used only once the route has authorized the caller.
 */
export const prefetchRoleChange = createMiddleware<AppEnv>(async (c, next) => {
  const orgId = c.req.param("orgId");
  const userId = c.req.param("userId");
  const credential = c.req.header("Authorization") || getCookie(c, sessionCookieName(c.var.config));
  if (c.req.method === "PUT" && orgId && userId && credential) {
    // A failed read only means the object reads for itself.
    c.set(
      "roleChangeTarget",
      findMemberWithMachines(createDb(c.env.DB), orgId, userId).catch(() => null),
    );
  }
  await next();
});

export const memberRoutes = new Hono<AppEnv>()
  .get("/:orgId/members", async (c) => {
    const { orgId } = requireMember(c);
    return c.json({ members: await listMembers(createDb(c.env.DB), orgId) });
  })
  .put("/:orgId/members/:userId/role", async (c) => {
    const body = await commandBody(c, roleChangeSchema, "owner");
    const { org, principal, role } = await orgCommand(c, body);
    const target = await c.var.roleChangeTarget;
    const seen = target ? { actor: { role, username: principal.user.username }, target } : undefined;
    const { member } = await org.changeRole({ targetId: c.req.param("userId"), role: body.role, seen });
    return c.json({ member });
  })
  .delete("/:orgId/members/:userId", async (c) => {
    const { org } = await orgCommand(c);
    await org.removeMember({ targetId: c.req.param("userId") });
    return c.body(null, 204);
  });
