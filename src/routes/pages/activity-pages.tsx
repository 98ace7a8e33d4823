import { Hono } from "hono";
import { createDb } from "../../db/client";
import { listEvents } from "../../db/org-queries";
import { mayManageOrg } from "../../domain/membership";
import { eventsQuerySchema } from "../../domain/org-profile";
import { AppError } from "../../errors";
import { ActivityPage } from "../../views/activity-page";
import { renderer } from "../../views/layout";
import { parseWith } from "../json-body";
import { memberOnly, noStore, type MemberEnv } from "./guards";
import { memberPageProps } from "./page-props";

/** `/activity`: the audit log, for Admins and the Owner, newest first. */
export const activityPages = new Hono<MemberEnv>().get("/", noStore, memberOnly, renderer, async (c) => {
  const { org, role } = c.var.member;
  if (!mayManageOrg(role)) throw new AppError("forbidden", "Only Admins and the Owner can see the activity log.");
  const query = parseWith(eventsQuerySchema, { cursor: c.req.query("cursor") });
  const { events, nextCursor } = await listEvents(createDb(c.env.DB), org.id, query);
  const olderHref = nextCursor ? `/activity?cursor=${encodeURIComponent(nextCursor)}` : null;
  return c.render(<ActivityPage events={events} olderHref={olderHref} />, memberPageProps(c, "Activity", "activity"));
});
