import type { Context } from "hono";

/** The client's address as Cloudflare's edge reports it; one shared bucket when absent (local). */
export function clientAddress(c: Context): string {
  return c.req.header("CF-Connecting-IP") ?? "unknown";
}
