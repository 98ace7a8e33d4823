import { Hono } from "hono";
import { createDb } from "../db/client";
import { listMachines } from "../db/org-queries";
import { machineSchema } from "../domain/org-profile";
import type { AppEnv } from "../env";
import { jsonBody } from "./json-body";
import { commandAccess, requireMember } from "./org-access";

export const machineRoutes = new Hono<AppEnv>()
  .post("/:orgId/machines", async (c) => {
    const { actorId, commands } = await commandAccess(c, "createMachine");
    const input = await jsonBody(c, machineSchema);
    const { machine } = await commands.createMachine(actorId, input);
    return c.json({ machine }, 201);
  })
  .get("/:orgId/machines", async (c) => {
    const { orgId } = requireMember(c);
    return c.json({ machines: await listMachines(createDb(c.env.DB), orgId) });
  })
  .delete("/:orgId/machines/:machineId", async (c) => {
    const { actorId, commands } = await commandAccess(c, "deleteMachine");
    await commands.deleteMachine(actorId, c.req.param("machineId"));
    return c.body(null, 204);
  });
