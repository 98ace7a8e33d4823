import { createMiddleware } from "hono/factory";
import { clock } from "../clock";
import { createDb } from "../db/client";
import { machineByAgentTokenHash, touchMachine } from "../db/machine-queries";
import { keyedHash } from "../domain/keyed-hash";
import { LAST_SEEN_EVERY_MS } from "../domain/machine";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { BEARER_PREFIX } from "./principal";

/** The paths only a machine agent may use, and that accept nothing but an agent token. */
export function isAgentPath(path: string): boolean {
  return path === "/api/agent" || path.startsWith("/api/agent/");
}

/**
 * Resolves the machine behind `Authorization: Bearer <agentToken>`: one D1 read by the token's
 * keyed hash, which also requires the owner to be a member of the machine's org still. A
 * person's cookie or API token here is 401, as is an unknown token.
 */
export const resolveAgent = createMiddleware<AppEnv>(async (c, next) => {
  const authorization = c.req.header("Authorization");
  if (!authorization?.startsWith(BEARER_PREFIX)) throw new AppError("unauthenticated", "Use Authorization: Bearer <agentToken>.");
  const db = createDb(c.env.DB);
  const hash = await keyedHash(c.var.config.codeHashSecret, authorization.slice(BEARER_PREFIX.length).trim());
  const found = await machineByAgentTokenHash(db, hash);
  if (!found) throw new AppError("unauthenticated", "That agent token is not valid.");
  c.set("agent", { machineId: found.machineId, orgId: found.orgId, ownerId: found.ownerId });
  const now = clock.now();
  if (!found.lastSeenAt || now - found.lastSeenAt.getTime() >= LAST_SEEN_EVERY_MS) {
    c.executionCtx.waitUntil(touchMachine(db, found.machineId, new Date(now), LAST_SEEN_EVERY_MS).catch(() => undefined));
  }
  await next();
});
