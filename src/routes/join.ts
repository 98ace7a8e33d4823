import { Hono } from "hono";
import { redeemCodeSchema } from "../domain/join-code";
import { redeemJoinCode } from "../services/redemption";
import type { AppEnv } from "../env";
import { requirePrincipal } from "../middleware/require";
import { clientAddress } from "./client-address";
import { jsonBody } from "./json-body";

/** POST /api/join: `{ code }` → `{ org, role }`; the layers of throttling are in redeemJoinCode. */
export const joinRoutes = new Hono<AppEnv>().post("/", async (c) => {
  const { user, org } = requirePrincipal(c);
  const { code, turnstileToken } = await jsonBody(c, redeemCodeSchema);
  const who = { userId: user.id, username: user.username, inOrg: org !== null, address: clientAddress(c), turnstileToken };
  const redemption = await redeemJoinCode(c.env, c.var.config, who, code, (promise) => c.executionCtx.waitUntil(promise));
  return c.json(redemption, 200);
});
