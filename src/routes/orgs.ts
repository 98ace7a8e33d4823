import { Hono } from "hono";
import { createDb } from "../db/client";
import { findOrg, listLeadership, withoutVersion } from "../db/org-queries";
import { emptyBodySchema } from "../domain/account";
import { newId } from "../domain/ids";
import { createOrgSchema, profilePatchSchema, transferSchema } from "../domain/org-profile";
import { orgClient } from "../services/org-client";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { requirePrincipal } from "../middleware/require";
import { commandCaller } from "./idempotency";
import { jsonBody } from "./json-body";
import { commandBody, orgCommand, requireMember } from "./org-access";

export const orgRoutes = new Hono<AppEnv>()
  .post("/", async (c) => {
    const principal = requirePrincipal(c);
    const profile = await jsonBody(c, createOrgSchema);
    // The object refuses a member of another org (already_in_org) and answers a replay of this creation.
    const org = orgClient(c.env, newId(), await commandCaller(c, principal.user.id, profile));
    return c.json(await org.createOrg({ profile }), 201);
  })
  .get("/:orgId", async (c) => {
    const { orgId, role } = requireMember(c);
    const db = createDb(c.env.DB);
    const [org, leadership] = await Promise.all([findOrg(db, orgId), listLeadership(db, orgId)]);
    if (!org) throw new AppError("not_found");
    return c.json({
      org: withoutVersion(org),
      role,
      leadership: leadership.map(({ userId, username, name, role }) => ({ userId, username, name, role })),
    });
  })
  .patch("/:orgId", async (c) => {
    const patch = await commandBody(c, profilePatchSchema, "admin");
    const { org } = await orgCommand(c, patch);
    return c.json(await org.updateProfile({ patch }));
  })
  .post("/:orgId/transfer", async (c) => {
    const body = await commandBody(c, transferSchema, "owner");
    const { org } = await orgCommand(c, body);
    const { userId: targetId, confirmOrgName, confirmUsername } = body;
    // The org card as it is after the transfer, decided (and, for a replay, stored) by the object.
    const { view } = await org.transferOwnership({ targetId, confirmOrgName, confirmUsername });
    return c.json(view);
  })
  .post("/:orgId/leave", async (c) => {
    // No membership check here: the object refuses a non-member (404) but answers a retry of
    // one's own departure from its stored answer, which says nothing about the org.
    const actorId = requirePrincipal(c).user.id;
    const body = await jsonBody(c, emptyBodySchema);
    await orgClient(c.env, c.req.param("orgId"), await commandCaller(c, actorId, body)).leave({});
    return c.json({ org: null, role: null });
  });
