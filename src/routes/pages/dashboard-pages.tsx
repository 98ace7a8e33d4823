import { Hono } from "hono";
import { createDb } from "../../db/client";
import { findOrg, listLeadership } from "../../db/org-queries";
import { AppError } from "../../errors";
import { DashboardPage } from "../../views/dashboard-page";
import { renderer } from "../../views/layout";
import { memberOnly, noStore, type MemberEnv } from "./guards";
import { memberPageProps } from "./page-props";

/** `/`: the org card, the Leadership section and the member's own role. */
export const dashboardPages = new Hono<MemberEnv>().get("/", noStore, memberOnly, renderer, async (c) => {
  const { org, role } = c.var.member;
  const db = createDb(c.env.DB);
  const [profile, leadership] = await Promise.all([findOrg(db, org.id), listLeadership(db, org.id)]);
  if (!profile) throw new AppError("not_found");
  return c.render(<DashboardPage org={profile} leadership={leadership} role={role} />, memberPageProps(c, "Dashboard", "dashboard"));
});
