import { Hono } from "hono";
import { createDb } from "../db/client";
import { listEvents } from "../db/org-queries";
import { eventsQuerySchema } from "../domain/org-profile";
import type { AppEnv } from "../env";
import { parseWith } from "./json-body";
import { requireMember } from "./org-access";

export const eventRoutes = new Hono<AppEnv>().get("/:orgId/events", async (c) => {
  const { orgId } = requireMember(c, "admin");
  const page = parseWith(eventsQuerySchema, c.req.query());
  return c.json(await listEvents(createDb(c.env.DB), orgId, page));
});
