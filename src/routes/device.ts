import { Hono } from "hono";
import { deviceCodeRequestSchema, deviceTokenRequestSchema, userCodeRequestSchema } from "../domain/device-login";
import type { AppEnv } from "../env";
import { appOrigin } from "../middleware/config";
import { requirePrincipal } from "../middleware/require";
import { decideDeviceLoginFor, pollDeviceLogin, startDeviceLogin } from "../services/device-login";
import { clientAddress } from "./client-address";
import { jsonBody } from "./json-body";

/** Device login for the CLI (RFC 8628): the client asks for codes and polls; a signed-in person approves. */
export const deviceRoutes = new Hono<AppEnv>()
  .post("/code", async (c) => {
    const { clientName } = await jsonBody(c, deviceCodeRequestSchema);
    return c.json(await startDeviceLogin(c.env, c.var.config, { clientName: clientName ?? "", origin: appOrigin(c) }), 200);
  })
  .post("/token", async (c) => {
    const { deviceCode } = await jsonBody(c, deviceTokenRequestSchema);
    c.header("Cache-Control", "no-store");
    return c.json(await pollDeviceLogin(c.env, c.var.config, deviceCode), 200);
  })
  .post("/approve", async (c) => {
    const { user } = requirePrincipal(c);
    const { userCode } = await jsonBody(c, userCodeRequestSchema);
    const { clientName } = await decideDeviceLoginFor(
      c.env,
      c.var.config,
      { userId: user.id, address: clientAddress(c) },
      userCode,
      "approved",
    );
    return c.json({ clientName }, 200);
  })
  .post("/deny", async (c) => {
    const { user } = requirePrincipal(c);
    const { userCode } = await jsonBody(c, userCodeRequestSchema);
    const { clientName } = await decideDeviceLoginFor(
      c.env,
      c.var.config,
      { userId: user.id, address: clientAddress(c) },
      userCode,
      "denied",
    );
    return c.json({ clientName }, 200);
  });
