import { Hono } from "hono";
import { createDb } from "../db/client";
import { listMembers } from "../db/org-queries";
import { roleChangeSchema } from "../domain/org-profile";
import type { AppEnv } from "../env";
import { jsonBody } from "./json-body";
import { commandAccess, requireMember } from "./org-access";

export const memberRoutes = new Hono<AppEnv>()
  .get("/:orgId/members", async (c) => {
    const { orgId } = requireMember(c);
    return c.json({ members: await listMembers(createDb(c.env.DB), orgId) });
  })
  .put("/:orgId/members/:userId/role", async (c) => {
    const { actorId, commands } = await commandAccess(c, "changeRole", "owner");
    const { role } = await jsonBody(c, roleChangeSchema);
    const { member } = await commands.changeRole(actorId, c.req.param("userId"), role);
    return c.json({ member });
  })
  .delete("/:orgId/members/:userId", async (c) => {
    const { actorId, commands } = await commandAccess(c, "removeMember", "admin");
    await commands.removeMember(actorId, c.req.param("userId"));
    return c.body(null, 204);
  });
