import { Hono, type Context } from "hono";
import { createDb } from "../db/client";
import { findOrg, listLeadership, withoutVersion } from "../db/org-queries";
import { emptyBodySchema } from "../domain/account";
import { newId } from "../domain/ids";
import { createOrgSchema, profilePatchSchema, transferSchema } from "../domain/org-profile";
import { orgCommands } from "../durable/org-client";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { requirePrincipal } from "../middleware/require";
import { jsonBody } from "./json-body";
import { commandAccess, idempotencyKey, requireMember } from "./org-access";

/** `{ org, role, leadership }`, read now: what GET answers and what transfer answers after. */
async function orgView(c: Context<AppEnv>, orgId: string, role: string) {
  const db = createDb(c.env.DB);
  const [org, leadership] = await Promise.all([findOrg(db, orgId), listLeadership(db, orgId)]);
  if (!org) throw new AppError("not_found");
  return {
    org: withoutVersion(org),
    role,
    leadership: leadership.map(({ userId, username, name, role }) => ({ userId, username, name, role })),
  };
}

export const orgRoutes = new Hono<AppEnv>()
  .post("/", async (c) => {
    const principal = requirePrincipal(c);
    const profile = await jsonBody(c, createOrgSchema);
    const commands = orgCommands(c.env, newId(), { idempotencyKey: idempotencyKey(c) });
    if (principal.org && !(await commands.wasApplied(principal.user.id, "createOrg"))) throw new AppError("already_in_org");
    const { org } = await commands.createOrg(principal.user.id, profile);
    return c.json({ org }, 201);
  })
  .get("/:orgId", async (c) => {
    const { orgId, role } = requireMember(c);
    return c.json(await orgView(c, orgId, role));
  })
  .patch("/:orgId", async (c) => {
    const { actorId, commands } = await commandAccess(c, "updateProfile", "admin");
    const patch = await jsonBody(c, profilePatchSchema);
    const { org } = await commands.updateProfile(actorId, patch);
    return c.json({ org });
  })
  .post("/:orgId/transfer", async (c) => {
    const { orgId, actorId, commands } = await commandAccess(c, "transferOwnership", "owner");
    const { userId, ...confirmation } = await jsonBody(c, transferSchema);
    await commands.transferOwnership(actorId, userId, confirmation);
    return c.json(await orgView(c, orgId, "admin"));
  })
  .post("/:orgId/leave", async (c) => {
    const { actorId, commands } = await commandAccess(c, "leave");
    await jsonBody(c, emptyBodySchema);
    await commands.leave(actorId);
    return c.json({ org: null, role: null });
  });
