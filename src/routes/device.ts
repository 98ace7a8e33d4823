import { Hono, type Context } from "hono";
import { loadConfig } from "../config";
import { deviceCodeRequestSchema, deviceTokenRequestSchema, userCodeRequestSchema } from "../domain/device-login";
import type { AppEnv } from "../env";
import { requirePrincipal } from "../middleware/require";
import { decideDeviceLoginFor, pollDeviceLogin, startDeviceLogin } from "../services/device-login";
import { clientAddress } from "./client-address";
import { jsonBody } from "./json-body";

/** The app's own origin, as the CSRF check determines it: pinned by configuration, else the request's. */
export function appOrigin(c: Context<AppEnv>): string {
  return loadConfig(c.env).pinnedOrigin ?? new URL(c.req.url).origin;
}

/** Device login for the CLI (RFC 8628): the client asks for codes and polls; a signed-in person approves. */
export const deviceRoutes = new Hono<AppEnv>()
  .post("/code", async (c) => {
    const { clientName } = await jsonBody(c, deviceCodeRequestSchema);
    return c.json(await startDeviceLogin(c.env, { clientName: clientName ?? "", origin: appOrigin(c) }), 200);
  })
  .post("/token", async (c) => {
    const { deviceCode } = await jsonBody(c, deviceTokenRequestSchema);
    c.header("Cache-Control", "no-store");
    return c.json(await pollDeviceLogin(c.env, deviceCode), 200);
  })
  .post("/approve", async (c) => {
    const { user } = requirePrincipal(c);
    const { userCode } = await jsonBody(c, userCodeRequestSchema);
    const { clientName } = await decideDeviceLoginFor(c.env, { userId: user.id, address: clientAddress(c) }, userCode, "approved");
    return c.json({ clientName }, 200);
  })
  .post("/deny", async (c) => {
    const { user } = requirePrincipal(c);
    const { userCode } = await jsonBody(c, userCodeRequestSchema);
    const { clientName } = await decideDeviceLoginFor(c.env, { userId: user.id, address: clientAddress(c) }, userCode, "denied");
    return c.json({ clientName }, 200);
  });
