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
}
