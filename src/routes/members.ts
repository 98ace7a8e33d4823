import { Hono } from "hono";
import { createDb } from "../db/client";
import { listMembers } from "../db/org-queries";
import { roleChangeSchema } from "../domain/org-profile";
import type { AppEnv } from "../env";
import { commandBody, orgCommand, requireMember } from "./org-access";

export const memberRoutes = new Hono<AppEnv>()
  .get("/:orgId/members", async (c) => {
    const { orgId } = requireMember(c);
    return c.json({ members: await listMembers(createDb(c.env.DB), orgId) });
  })
  .put("/:orgId/members/:userId/role", async (c) => {
    const body = await commandBody(c, roleChangeSchema, "owner");
    const { org } = await orgCommand(c, body);
    const { member } = await org.changeRole({ targetId: c.req.param("userId"), role: body.role });
    return c.json({ member });
  })
  .delete("/:orgId/members/:userId", async (c) => {
    const { org } = await orgCommand(c);
    await org.removeMember({ targetId: c.req.param("userId") });
    return c.body(null, 204);
  });
