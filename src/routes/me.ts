import { Hono } from "hono";
import type { AppEnv } from "../env";
import { requirePrincipal } from "../middleware/require";

export const meRoutes = new Hono<AppEnv>().get("/", (c) => {
  const { user, org, role } = requirePrincipal(c);
  return c.json({ user, org, role });
});
