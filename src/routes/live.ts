import { Hono } from "hono";
import { LIVE_ORG_HEADER, LIVE_USER_HEADER } from "../domain/live";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { requireOwnOrigin } from "../middleware/csrf";
import { requireMember } from "./org-access";

/**
 * `GET /api/orgs/:orgId/live`: a member's socket of change notices (docs/live-updates.md).
 * Authenticated here, then handed whole to the org's object, which accepts it with the
 * hibernation API (a socket accepted in the Worker would keep the Worker running).
 */
export const liveRoutes = new Hono<AppEnv>().get("/:orgId/live", async (c) => {
  const { orgId, actorId, principal } = requireMember(c);
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    const body = new AppError("invalid_request", "Open this path as a WebSocket (Upgrade: websocket).").toBody();
    return c.json(body, 426, { Upgrade: "websocket" });
  }
  // A browser opens sockets to any site with its cookies: a cookie's upgrade must come from our pages.
  if (principal.via === "cookie") requireOwnOrigin(c);
  const headers = new Headers(c.req.raw.headers);
  headers.set(LIVE_USER_HEADER, actorId);
  headers.set(LIVE_ORG_HEADER, orgId);
  const answer = await c.env.ORG.getByName(orgId).fetch(new Request(c.req.raw, { headers }));
  // A stub's response has immutable headers; the app's middleware still adds its own.
  if (answer.webSocket) return new Response(null, { status: 101, webSocket: answer.webSocket, headers: answer.headers });
  return new Response(answer.body, answer);
});
