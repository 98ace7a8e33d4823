import type { Context } from "hono";
import { atLeast, type Role } from "../domain/roles";
import { orgCommands, type OrgCommandName, type OrgCommands } from "../durable/org-client";
import type { AppEnv, Principal } from "../env";
import { AppError } from "../errors";
import { requirePrincipal } from "../middleware/require";

export interface OrgAccess {
  principal: Principal;
  orgId: string;
  actorId: string;
  role: Role;
}

/**
 * The caller's membership of `:orgId`, from the principal read fresh from D1 on this very
 * request. A non-member gets 404, the same as for an org that does not exist (never reveal
 * another org's ids); a member without `minimum` gets 403. The org object decides again on
 * fresh state inside its queue: this check is only the first of two.
 */
export function requireMember(c: Context<AppEnv>, minimum: Role = "user"): OrgAccess {
  const principal = requirePrincipal(c);
  const orgId = c.req.param("orgId");
  if (!orgId || !principal.org || principal.org.id !== orgId || !principal.role) throw new AppError("not_found");
  if (!atLeast(principal.role, minimum)) throw new AppError("forbidden");
  return { principal, orgId, actorId: principal.user.id, role: principal.role };
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** The request's `Idempotency-Key` header, if any: 1–200 visible ASCII characters. */
export function idempotencyKey(c: Context<AppEnv>): string | undefined {
  const key = c.req.header("Idempotency-Key");
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new AppError("invalid_request", "Idempotency-Key must be 1–200 visible ASCII characters.", {
      details: [{ field: "Idempotency-Key", message: "1–200 visible ASCII characters" }],
    });
  }
  return key;
}

/**
 * For a command route: the caller's access and the org's commands under the request's
 * Idempotency-Key. A retry of a command already applied skips the route's role check and is
 * answered by the org object from the stored result, so a lost response can be retried.
 */
export async function commandAccess(
  c: Context<AppEnv>,
  command: OrgCommandName,
  minimum: Role = "user",
): Promise<{ orgId: string; actorId: string; commands: OrgCommands }> {
  const principal = requirePrincipal(c);
  const orgId = c.req.param("orgId") ?? "";
  const commands = orgCommands(c.env, orgId, { idempotencyKey: idempotencyKey(c) });
  if (orgId && (await commands.wasApplied(principal.user.id, command))) return { orgId, actorId: principal.user.id, commands };
  const { actorId } = requireMember(c, minimum);
  return { orgId, actorId, commands };
}
