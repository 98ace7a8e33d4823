import type { Context, Next } from "hono";
import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import type { AppEnv } from "../env";
import { waitedMetrics, withTiming } from "../request-timing";

/**
 * One JSON line per request for operators: the route's pattern (never the raw path, which can
 * carry ids of other orgs or a code someone typed), the status, the time taken and who asked.
 * No header, query string or body is logged, so no secret, code or token can reach the logs.
 */
export const requestLog = createMiddleware<AppEnv>((c, next) => withTiming(() => logged(c, next)));

async function logged(c: Context<AppEnv>, next: Next): Promise<void> {
  const started = performance.now();
  await next();
  // Inside workerd the clock only moves across I/O, which is what a request spends its time on.
  const durationMs = Math.round(performance.now() - started);
  c.header("Server-Timing", [`app;dur=${durationMs}`, ...waitedMetrics()].join(", "), { append: true });
  const principal = c.get("principal");
  console.log(
    JSON.stringify({
      event: "request",
      requestId: c.get("requestId"),
      method: c.req.method,
      route: routePath(c) || "(unmatched)",
      status: c.res.status,
      durationMs,
      userId: principal?.user.id ?? null,
      orgId: principal?.org?.id ?? null,
    }),
  );
}
