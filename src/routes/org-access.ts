import type { Context } from "hono";
import { atLeast, type Role } from "../domain/roles";
import { orgClient, type OrgClient } from "../services/org-client";
import type { AppEnv, Principal } from "../env";
import { AppError } from "../errors";
import { requirePrincipal } from "../middleware/require";
import { commandCaller } from "./idempotency";
import { jsonBody } from "./json-body";
import type { z } from "zod";

export interface OrgAccess {
  principal: Principal;
  orgId: string;
  actorId: string;
  role: Role;
}

/**
 * The caller's membership of `:orgId`, from the principal read fresh from D1 on this very
 * request. A non-member gets 404, the same as for an org that does not exist (never reveal
 * another org's ids); a member without `minimum` gets 403 (reads only: for commands the
 * org object decides every role rule).
 */
export function requireMember(c: Context<AppEnv>, minimum: Role = "user"): OrgAccess {
  const principal = requirePrincipal(c);
  const orgId = c.req.param("orgId");
  if (!orgId || !principal.org || principal.org.id !== orgId || !principal.role) throw new AppError("not_found");
  if (!atLeast(principal.role, minimum)) throw new AppError("forbidden");
  return { principal, orgId, actorId: principal.user.id, role: principal.role };
}

/**
 * A command's body. When it is invalid and the caller could not issue this command with any
 * body (below `minimum`), the answer is 403, as refusal has always come before validation;
 * a valid body always goes to the org object, which decides the role rules (and replays).
 */
export async function commandBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S, minimum: Role): Promise<z.output<S>> {
  const { role } = requireMember(c);
  try {
    return await jsonBody(c, schema);
  } catch (error) {
    if (error instanceof AppError && error.code === "invalid_request" && !atLeast(role, minimum)) throw new AppError("forbidden");
    throw error;
  }
}

/**
 * For a command route: the caller's membership (a non-member gets 404, replays included)
 * and the org's commands under the request's Idempotency-Key and fingerprint. Every role
 * rule is the org object's, decided on fresh state in its queue, which also answers replays.
 */
export async function orgCommand(c: Context<AppEnv>, body: unknown = null): Promise<OrgAccess & { org: OrgClient }> {
  const access = requireMember(c);
  return { ...access, org: orgClient(c.env, access.orgId, await commandCaller(c, access.actorId, body)) };
}
