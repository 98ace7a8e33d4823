import type { RetentionRule } from "../domain/retention";
import { EXPIRED_JOB_WHERE } from "./job-queries";

/**
 * Which rows of each table a rule may delete, given the cutoff (epoch ms) as the one parameter.
 * Each is applied through `rowid IN (… LIMIT ?)`, so one statement never deletes more than a batch.
 */
const EXPIRED_ROWS: Record<RetentionRule, { table: string; where: string }> = {
  operation: { table: "operation", where: "at < ?1" },
  joinCode: {
    table: "join_code",
    where:
      "(redeemed_at IS NOT NULL AND redeemed_at < ?1) OR (revoked_at IS NOT NULL AND revoked_at < ?1) OR (redeemed_at IS NULL AND revoked_at IS NULL AND expires_at < ?1)",
  },
  auditEvent: { table: "audit_event", where: "at < ?1" },
  session: { table: "session", where: "expires_at < ?1" },
  verification: { table: "verification", where: "expires_at < ?1" },
  deviceLogin: { table: "device_authorization", where: "expires_at < ?1" },
  // A finished job's log lines go before the job (the rules run in order), so no cascade runs unbounded.
  jobLog: { table: "job_log", where: `job_id IN (SELECT id FROM job WHERE ${EXPIRED_JOB_WHERE})` },
  job: { table: "job", where: EXPIRED_JOB_WHERE },
};

/** Deletes at most `limit` rows the rule lets go of before `cutoff`; returns how many went. */
export async function deleteExpiredBatch(d1: D1Database, rule: RetentionRule, cutoff: number, limit: number): Promise<number> {
  const { table, where } = EXPIRED_ROWS[rule];
  const result = await d1
    .prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT ?2)`)
    .bind(cutoff, limit)
    .run();
  return result.meta.changes;
}
