import { Hono } from "hono";
import { createDb } from "../db/client";
import { listMachines } from "../db/org-queries";
import { machineSchema } from "../domain/org-profile";
import type { AppEnv } from "../env";
import { jsonBody } from "./json-body";
import { orgCommand, requireMember } from "./org-access";

export const machineRoutes = new Hono<AppEnv>()
  .post("/:orgId/machines", async (c) => {
    requireMember(c);
    const input = await jsonBody(c, machineSchema);
    const { org } = await orgCommand(c, input);
    const { machine } = await org.createMachine({ machine: input });
    return c.json({ machine }, 201);
  })
  .get("/:orgId/machines", async (c) => {
    const { orgId } = requireMember(c);
    return c.json({ machines: await listMachines(createDb(c.env.DB), orgId) });
  })
  .delete("/:orgId/machines/:machineId", async (c) => {
    const { org } = await orgCommand(c);
    await org.deleteMachine({ resourceId: c.req.param("machineId") });
    return c.body(null, 204);
  });
