import { hc } from "hono/client";
import type { AppType } from "../../src/app";
import { conformingFetch, ORIGIN, type Credential } from "./client";

/** Headers that present a test credential: a cookie (with our Origin, for writes) or a bearer token. */
export function credentialHeaders(as: Credential): Record<string, string> {
  if (as && "cookie" in as) return { Cookie: as.cookie, Origin: ORIGIN };
  if (as && "token" in as) return { Authorization: `Bearer ${as.token}` };
  return {};
}

/**
 * The typed client of the API (hono/client over the app's own route types): paths, params and
 * JSON answers are checked by the compiler, and every answer by the OpenAPI document.
 */
export function typedClient(as: Credential = null) {
  return hc<AppType>(ORIGIN, { fetch: conformingFetch, headers: credentialHeaders(as) });
}
