import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { SESSION_TTL_SECONDS, SESSION_UPDATE_AGE_SECONDS, sessionCookieName } from "../auth/better-auth";
import { clock } from "../clock";
import { createDb } from "../db/client";
import { extendSession, principalBySessionToken, principalByTokenHash, TOKEN_TOUCH_MS, touchToken } from "../db/principal-queries";
import { keyedHash, verifySignedOnce } from "../domain/keyed-hash";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { isAgentPath } from "./agent";

export const BEARER_PREFIX = "Bearer ";

/**
 * Our lookup replaces better-auth's getSession, so it also does what that would: a session in
 * use is extended to a full week at most once a day, server-side and in its cookie, so people
 * who use Cohort stay signed in and idle sessions end.
 */
async function slideSession(c: Context<AppEnv>, found: { sessionId: string; expiresAt: Date }, signed: string): Promise<void> {
  const now = clock.now();
  if (found.expiresAt.getTime() - now > (SESSION_TTL_SECONDS - SESSION_UPDATE_AGE_SECONDS) * 1000) return;
  const config = c.var.config;
  await extendSession(createDb(c.env.DB), found.sessionId, new Date(now + SESSION_TTL_SECONDS * 1000), new Date(now));
  setCookie(c, sessionCookieName(config), signed, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: !config.isDevelopment,
    maxAge: SESSION_TTL_SECONDS,
  });
}

/**
 * Resolves who is asking from the bearer token or the session cookie, with the current
 * membership read in the same query. A missing or unknown credential leaves the principal
 * null; routes that need one call `requirePrincipal`.
 */
export const resolvePrincipal = createMiddleware<AppEnv>(async (c, next) => {
  c.set("principal", null);
  // Agent paths take agent tokens alone (src/middleware/agent.ts); a person is never resolved there.
  if (isAgentPath(c.req.path)) return next();
  const config = c.var.config;
  const db = createDb(c.env.DB);
  const authorization = c.req.header("Authorization");
  if (authorization?.startsWith(BEARER_PREFIX)) {
    const found = await principalByTokenHash(db, await keyedHash(config.codeHashSecret, authorization.slice(BEARER_PREFIX.length).trim()));
    if (!found) throw new AppError("unauthenticated", "That API token is not valid.");
    c.set("principal", found.principal);
    const now = clock.now();
    // The read says whether the once-a-minute mark is due; most requests of a busy client skip the write.
    if (!found.lastUsedAt || now - found.lastUsedAt.getTime() >= TOKEN_TOUCH_MS) {
      c.executionCtx.waitUntil(touchToken(db, found.tokenId, new Date(now)).catch(() => undefined));
    }
  } else if (authorization) {
    throw new AppError("unauthenticated", "Use Authorization: Bearer <token>.");
  } else {
    // better-auth signs the session token as `token.base64(HMAC)`; the key is imported once per isolate.
    const signed = getCookie(c, sessionCookieName(config));
    const token = signed ? await verifySignedOnce(config.authSecret, signed) : null;
    const found = token ? await principalBySessionToken(db, token, new Date(clock.now())) : null;
    if (found && signed) {
      c.set("principal", found.principal);
      await slideSession(c, found, signed);
    }
  }
  await next();
});
