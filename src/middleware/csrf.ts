import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { isAgentPath } from "./agent";
import { appOrigin } from "./config";
import { BEARER_PREFIX } from "./principal";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses a state-changing request whose browser says it came from another origin, and a
 * cookie-carrying one that names no origin at all. Token requests carry no ambient authority
 * and are exempt. Checked for every content type, unlike a form-only check.
 */
export const requireSameOrigin = createMiddleware<AppEnv>(async (c, next) => {
  // Agent paths never act on a cookie (they answer 401 to one), so there is nothing to forge.
  if (SAFE_METHODS.has(c.req.method) || c.req.header("Authorization")?.startsWith(BEARER_PREFIX) || isAgentPath(c.req.path)) return next();
  const source = requestSource(c.req.header("Origin"), c.req.header("Referer"));
  const hasCookie = Boolean(c.req.header("Cookie"));
  if (source === null && !hasCookie) return next();
  if (source !== appOrigin(c)) throw new AppError("csrf");
  return next();
});

/**
 * For a GET that still carries the cookie's authority (the live socket's upgrade, which the
 * middleware above lets through as a safe method): the browser must name our own origin.
 */
export function requireOwnOrigin(c: Context<AppEnv>): void {
  if (requestSource(c.req.header("Origin"), c.req.header("Referer")) !== appOrigin(c)) throw new AppError("csrf");
}

function requestSource(origin: string | undefined, referer: string | undefined): string | null {
  if (origin && origin !== "null") return origin;
  if (origin === "null") return "null";
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return "invalid";
  }
}
