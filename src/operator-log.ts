import { env } from "cloudflare:workers";

/**
 * Events an operator should be able to alert on, as distinct JSON log lines (beside the
 * per-request line): a global throttle that is spent, an org mutation that failed a guard.
 * Fields are ids and rule names only, never a code, token or secret.
 */
export type OperatorEvent =
  | { event: "global_throttle_spent"; rule: string; retryAfterSeconds: number }
  | { event: "org_guard_failed"; orgId: string; attempt: number; reason: string }
  | { event: "live_notice_failed"; orgId: string; reason: string };

export function logOperatorEvent(entry: OperatorEvent): void {
  console.warn(JSON.stringify({ ...entry, at: new Date().toISOString() }));
  writeDataPoint(entry);
}

/**
 * The same event as a Workers Analytics Engine data point (dataset `cohort_operator_events`),
 * so an alert can count them per minute with SQL: index = the event, blob2 = the rule or org,
 * double1 = 1, double2 = the Retry-After or the attempt. Reasons stay in the log line only.
 */
function writeDataPoint(entry: OperatorEvent): void {
  const dataset = (env as Partial<Env>).OPERATOR_EVENTS;
  if (!dataset) return;
  const subject = entry.event === "global_throttle_spent" ? entry.rule : entry.orgId;
  const figure = entry.event === "global_throttle_spent" ? entry.retryAfterSeconds : entry.event === "org_guard_failed" ? entry.attempt : 0;
  try {
    dataset.writeDataPoint({ indexes: [entry.event], blobs: [entry.event, subject], doubles: [1, figure] });
  } catch (error) {
    // A signal must never fail the request that raised it.
    console.warn(JSON.stringify({ event: "operator_data_point_failed", reason: String(error).slice(0, 200) }));
  }
}
