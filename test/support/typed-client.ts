import { hc } from "hono/client";
import type { AppType } from "../../src/app";
import { conformingFetch, credentialHeaders, ORIGIN, type Credential } from "./client";

/**
 * The typed client of the API (hono/client over the app's own route types): paths, params and
 * JSON answers are checked by the compiler, and every answer by the OpenAPI document.
 */
export function typedClient(as: Credential = null) {
  // The cookie's Origin on every request: harmless on a GET, needed on a write.
  return hc<AppType>(ORIGIN, { fetch: conformingFetch, headers: Object.fromEntries(credentialHeaders(as, "POST")) });
}
