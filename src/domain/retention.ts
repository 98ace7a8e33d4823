import { JOB_RETENTION_MS } from "./job";
import { REDEEMED_LIST_MS } from "./join-code";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The Idempotency-Key lifetime: after it, the same key is a new request (docs/api-organizations.md). */
export const IDEMPOTENCY_KEY_LIFETIME_MS = DAY_MS;

/**
 * How long each kind of row outlives its use. Live state (orgs, members, machines, volumes, live
 * codes, accounts, API tokens) is removed by the actions that end it, never by age.
 */
export const RETENTION = {
  /** Operation records: the key's lifetime. */
  operationMs: IDEMPOTENCY_KEY_LIFETIME_MS,
  /** Join codes, after use, revocation or expiry: the redeemed list shows 90 days. */
  joinCodeMs: REDEEMED_LIST_MS,
  /** The audit log: one year. */
  auditEventMs: 365 * DAY_MS,
  /** Device logins: a day after they expired (used or not), long enough to read a support question. */
  deviceLoginMs: DAY_MS,
  /** Finished jobs and their logs: 90 days after they finished (docs/jobs.md). */
  jobMs: JOB_RETENTION_MS,
  /** Sessions and better-auth verification rows: once expired. */
  expiredMs: 0,
} as const;

export type RetentionRule = "operation" | "joinCode" | "auditEvent" | "session" | "verification" | "deviceLogin" | "jobLog" | "job";

/** The instant before which a rule's rows may go, for a purge run at `now`. */
export function purgeCutoff(rule: RetentionRule, now: number): number {
  switch (rule) {
    case "operation":
      return now - RETENTION.operationMs;
    case "joinCode":
      return now - RETENTION.joinCodeMs;
    case "auditEvent":
      return now - RETENTION.auditEventMs;
    case "deviceLogin":
      return now - RETENTION.deviceLoginMs;
    case "jobLog":
    case "job":
      return now - RETENTION.jobMs;
    case "session":
    case "verification":
      return now - RETENTION.expiredMs;
  }
}
