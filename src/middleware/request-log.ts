import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import type { AppEnv } from "../env";

/**
 * One JSON line per request for operators: the route's pattern (never the raw path, which can
 * carry ids of other orgs or a code someone typed), the status, the time taken and who asked.
 * No header, query string or body is logged, so no secret, code or token can reach the logs.
 */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  // Inside workerd the clock only moves across I/O, which is what a request spends its time on.
  const durationMs = Math.round(performance.now() - started);
  c.header("Server-Timing", `app;dur=${durationMs}`, { append: true });
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
});
