import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { loadConfig } from "../config";
import type { AppEnv } from "../env";

/** Reads the configuration once per request into `c.var.config`; a deployment missing its secrets answers 500 here. */
export const withConfig = createMiddleware<AppEnv>(async (c, next) => {
  c.set("config", loadConfig(c.env));
  await next();
});

/** The app's own origin, as the CSRF check determines it: pinned by configuration, else the request's. */
export function appOrigin(c: Context<AppEnv>): string {
  return c.var.config.pinnedOrigin ?? new URL(c.req.url).origin;
}
