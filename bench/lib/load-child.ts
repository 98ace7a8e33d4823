import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import type { LoadResult, LoadSpec } from "./load-spec.ts";

/**
 * The load generator, run as its own process so it shares no thread with the driver. One
 * autocannon run: a warm-up, then the measured window; only responses that arrive inside the
 * window count, so nothing the warm-up left in flight biases it. The warm-up lasts at least
 * `warmupSeconds` and until every connection has had a response (a slow scenario reaches its
 * steady state later), at most MAX_WARMUP_SECONDS. Prints one JSON line.
 */
const MAX_WARMUP_SECONDS = 30;
const spec = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as LoadSpec;
let sent = 0;

function nextRequest(): { path: string; method: string; headers: Record<string, string>; body: string | undefined } {
  const n = sent;
  sent += 1;
  const items = spec.items ?? [{}];
  const item = items[n % items.length]!;
  const pass = Math.floor(n / items.length);
  const body = spec.bodiesByPass ? spec.bodiesByPass[pass % spec.bodiesByPass.length] : (item.body ?? spec.base.body);
  const headers = { ...spec.base.headers, ...item.headers };
  if (body !== undefined) headers["content-type"] = "application/json";
  return {
    path: item.path ?? spec.base.path,
    method: item.method ?? spec.base.method ?? "GET",
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  };
}

const latencies: number[] = [];
const statuses: Record<string, number> = {};
let ok = 0;
let failed = 0;
let started = 0;
let warmupResponses = 0;
let windowStart = Number.POSITIVE_INFINITY;
let windowEnd = Number.POSITIVE_INFINITY;
const inWindow = () => {
  const now = performance.now();
  return now >= windowStart && now < windowEnd;
};

const instance = autocannon({
  url: spec.origin,
  connections: spec.connections,
  // Ended by `stop()` when the window closes.
  duration: MAX_WARMUP_SECONDS + spec.durationSeconds + 5,
  timeout: 60,
  requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, ...nextRequest() }) }],
});
instance.on("start", () => {
  started = performance.now();
});
function openWindowIfWarm() {
  if (windowStart !== Number.POSITIVE_INFINITY) return;
  const now = performance.now();
  const warm = now - started >= spec.warmupSeconds * 1000 && warmupResponses >= spec.connections;
  if (warm || now - started >= MAX_WARMUP_SECONDS * 1000) {
    windowStart = now;
    windowEnd = now + spec.durationSeconds * 1000;
    setTimeout(() => instance.stop(), spec.durationSeconds * 1000 + 50);
  }
}
const warmTimer = setInterval(openWindowIfWarm, 20);
instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
  if (windowStart === Number.POSITIVE_INFINITY) warmupResponses += 1;
  if (!inWindow()) return;
  latencies.push(responseTime);
  statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  if (statusCode >= 200 && statusCode < 300) ok += 1;
  else failed += 1;
});
instance.on("reqError", () => {
  if (!inWindow()) return;
  failed += 1;
  statuses.error = (statuses.error ?? 0) + 1;
});
await new Promise((resolve) => instance.on("done", resolve));
clearInterval(warmTimer);

latencies.sort((a, b) => a - b);
const percentile = (p: number) =>
  latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! * 10) / 10 : 0;
const out: LoadResult = {
  rps: Math.round((ok / spec.durationSeconds) * 10) / 10,
  p50_ms: percentile(50),
  p99_ms: percentile(99),
  errors: failed,
  requests: ok + failed,
};
if (failed > 0) out.statuses = statuses;
if (spec.itemsOnce && spec.items && sent > spec.items.length) out.exhausted = true;
console.log(JSON.stringify(out));
