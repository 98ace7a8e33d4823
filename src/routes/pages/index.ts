import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { accountPages } from "./account-pages";
import { activityPages } from "./activity-pages";
import { dashboardPages } from "./dashboard-pages";
import { devicePages } from "./device-pages";
import { memberPages } from "./member-pages";
import { projectPages } from "./projects";
import { jobPages } from "./jobs-pages";
import { machinePages } from "./machine-pages";
import { settingsPages } from "./settings-pages";
import { setupPages } from "./setup-pages";
import { volumePages } from "./volume-pages";

/**
 * The dashboard's pages, one sub-app per page group. Each group's middleware (the member
 * or setup guard, the layout, no-store) is scoped to its own paths, never to /api.
 */
export const pageRoutes = new Hono<AppEnv>()
  .route("/", accountPages)
  .route("/", dashboardPages)
  .route("/setup", setupPages)
  .route("/members", memberPages)
  .route("/settings", settingsPages)
  .route("/machines", machinePages)
  .route("/volumes", volumePages)
  .route("/projects", projectPages)
  .route("/jobs", jobPages)
  .route("/activity", activityPages)
  .route("/device", devicePages);
