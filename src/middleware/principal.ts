import { getSignedCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { sessionCookieName } from "../auth/better-auth";
import { clock } from "../clock";
import { loadConfig } from "../config";
import { createDb } from "../db/client";
import { principalBySessionToken, principalByTokenHash, touchToken } from "../db/principal-queries";
import { keyedHash } from "../domain/keyed-hash";
import type { AppEnv } from "../env";
import { AppError } from "../errors";

export const BEARER_PREFIX = "Bearer ";

/**
 * Resolves who is asking from the bearer token or the session cookie, with the current
 * membership read in the same query. A missing or unknown credential leaves the principal
 * null; routes that need one call `requirePrincipal`.
 */
export const resolvePrincipal = createMiddleware<AppEnv>(async (c, next) => {
  const config = loadConfig(c.env);
  const db = createDb(c.env.DB);
  const authorization = c.req.header("Authorization");
  c.set("principal", null);
  if (authorization?.startsWith(BEARER_PREFIX)) {
    const found = await principalByTokenHash(db, await keyedHash(config.codeHashSecret, authorization.slice(BEARER_PREFIX.length).trim()));
    if (!found) throw new AppError("unauthenticated", "That API token is not valid.");
    c.set("principal", found.principal);
    c.executionCtx.waitUntil(touchToken(db, found.tokenId, new Date(clock.now())).catch(() => undefined));
  } else if (authorization) {
    throw new AppError("unauthenticated", "Use Authorization: Bearer <token>.");
  } else {
    const token = await getSignedCookie(c, config.authSecret, sessionCookieName(config));
    if (token) c.set("principal", await principalBySessionToken(db, token, new Date(clock.now())));
  }
  await next();
});
