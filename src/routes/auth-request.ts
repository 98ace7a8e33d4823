import type { Context } from "hono";
import type { AuthRequest } from "../auth/accounts";
import type { AppEnv } from "../env";
import { appOrigin } from "../middleware/config";

/** What the account flows (src/auth/accounts.ts) need of this request, for the API and the pages alike. */
export function authRequest(c: Context<AppEnv>): AuthRequest {
  return { config: c.var.config, origin: appOrigin(c), headers: c.req.raw.headers };
}

/** Passes better-auth's cookies on to the response being built. */
export function forwardCookies(c: Context, setCookies: string[]): void {
  for (const cookie of setCookies) c.header("Set-Cookie", cookie, { append: true });
}
