import { deleteExpiredBatch } from "../db/retention-queries";
import { purgeCutoff, type RetentionRule } from "../domain/retention";
import { sweepArchiveObjects } from "./project-archive";
import { sweepExpiredUploads, sweepOrphanBlobs } from "./volume-files";

const RULES: RetentionRule[] = ["operation", "joinCode", "auditEvent", "session", "verification", "deviceLogin", "jobLog", "job"];

export interface PurgeLimits {
  /** Rows one DELETE may remove: small enough to keep each statement short on a busy database. */
  batchSize: number;
  /** Batches per rule per run; what is left waits for the next run (the cron runs hourly). */
  maxBatches: number;
}

export const DEFAULT_PURGE_LIMITS: PurgeLimits = { batchSize: 500, maxBatches: 20 };

/**
 * Deletes what every retention rule (src/domain/retention.ts) lets go of at `now`, in bounded
 * batches. Idempotent: a second run at the same instant deletes nothing. Returns the rows per rule.
 */
export type PurgeReport = Record<RetentionRule, number> & { archiveObjects: number; volumeUpload: number; orphanBlob: number };

export async function purgeExpired(env: Env, now: number, limits: PurgeLimits = DEFAULT_PURGE_LIMITS): Promise<PurgeReport> {
  const deleted = {} as PurgeReport;
  for (const rule of RULES) {
    const cutoff = purgeCutoff(rule, now);
    let total = 0;
    for (let batch = 0; batch < limits.maxBatches; batch += 1) {
      const changes = await deleteExpiredBatch(env.DB, rule, cutoff, limits.batchSize);
      total += changes;
      if (changes < limits.batchSize) break;
    }
    deleted[rule] = total;
  }
  // R2 objects, not rows: project archives nothing needs any more (src/services/project-archive.ts).
  deleted.archiveObjects = await sweepArchiveObjects(env, now, limits);
  // Volume files (docs/volume-files.md): expired uploads free their reservation; orphaned objects go.
  deleted.volumeUpload = await sweepExpiredUploads(env, now, limits.maxBatches);
  deleted.orphanBlob = await sweepOrphanBlobs(env, now, limits.maxBatches);
  return deleted;
}
