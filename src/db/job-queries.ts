import { and, asc, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import { clock } from "../clock";
import { FINISHED_STATES, LEASE_MS, MAX_ATTEMPTS, type JobFailure, type JobState, type LogLine } from "../domain/job";
import { guard, rawStatement, type Statement } from "./batch";
import type { Db } from "./client";
import { job, jobLog, project, volume } from "./schema";

/** A job as the API shows it: env names only, never values, lease or archive key. */
export interface JobRecord {
  id: string;
  projectId: string;
  archiveSha256: string;
  submitterId: string;
  command: string[];
  env: string[];
  volumeIds: string[];
  machineId: string | null;
  runningOn: string | null;
  state: JobState;
  failure: JobFailure | null;
  exitCode: number | null;
  attempt: number;
  cancelRequested: boolean;
  timeoutSeconds: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export type JobRow = typeof job.$inferSelect;

export function toJob(row: JobRow): JobRecord {
  return {
    id: row.id,
    projectId: row.projectId,
    archiveSha256: row.archiveSha256,
    submitterId: row.submitterId,
    command: row.command,
    env: row.envNames,
    volumeIds: row.volumeIds,
    machineId: row.machineId,
    runningOn: row.runningOn,
    state: row.state,
    failure: row.failure,
    exitCode: row.exitCode,
    attempt: row.attempt,
    cancelRequested: row.cancelRequested,
    timeoutSeconds: row.timeoutSeconds,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export async function findJobRow(db: Db, orgId: string, id: string): Promise<JobRow | undefined> {
  const [row] = await db
    .select()
    .from(job)
    .where(and(eq(job.orgId, orgId), eq(job.id, id)))
    .limit(1);
  return row;
}

/** A page of the org's jobs, newest first; the cursor is the id of the last job of the previous page. */
export async function listJobs(
  db: Db,
  orgId: string,
  page: { state?: JobState | undefined; submitterId?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<{ jobs: JobRecord[]; nextCursor: string | null }> {
  const rows = await db
    .select()
    .from(job)
    .where(
      and(
        eq(job.orgId, orgId),
        page.state ? eq(job.state, page.state) : undefined,
        page.submitterId ? eq(job.submitterId, page.submitterId) : undefined,
        page.cursor ? lt(job.id, page.cursor) : undefined,
      ),
    )
    .orderBy(desc(job.id))
    .limit(page.limit + 1);
  const shown = rows.slice(0, page.limit);
  return { jobs: shown.map(toJob), nextCursor: rows.length > page.limit ? (shown.at(-1)?.id ?? null) : null };
}

export interface LogRecord {
  at: string;
  stream: "stdout" | "stderr";
  text: string;
}

/** Log lines after `cursor` (a line id), oldest first, at most `limit`. */
export async function listLogLines(
  db: Db,
  jobId: string,
  cursor: number,
  limit: number,
): Promise<{ lines: LogRecord[]; lastId: number | null; more: boolean }> {
  const rows = await db
    .select()
    .from(jobLog)
    .where(and(eq(jobLog.jobId, jobId), gt(jobLog.id, cursor)))
    .orderBy(asc(jobLog.id))
    .limit(limit + 1);
  const shown = rows.slice(0, limit);
  return {
    lines: shown.map((row) => ({ at: row.at.toISOString(), stream: row.stream, text: row.text })),
    lastId: shown.at(-1)?.id ?? null,
    more: rows.length > limit,
  };
}

/** The project's current archive, as a job pins it. */
export async function findProjectArchive(
  db: Db,
  orgId: string,
  projectId: string,
): Promise<{ archiveKey: string | null; archiveSha256: string | null } | undefined> {
  const [row] = await db
    .select({ archiveKey: project.archiveKey, archiveSha256: project.archiveSha256 })
    .from(project)
    .where(and(eq(project.orgId, orgId), eq(project.id, projectId)))
    .limit(1);
  return row;
}

export async function findVolumesByIds(db: Db, orgId: string, ids: string[]): Promise<{ id: string; name: string; ownerId: string }[]> {
  if (ids.length === 0) return [];
  return db
    .select({ id: volume.id, name: volume.name, ownerId: volume.ownerId })
    .from(volume)
    .where(and(eq(volume.orgId, orgId), inArray(volume.id, ids)));
}

/** The oldest queued job this machine may run: pinned to it or unpinned, of its owner or (when shared) of anyone. */
export async function findClaimable(
  db: Db,
  orgId: string,
  machine: { id: string; ownerId: string; shared: boolean },
): Promise<JobRow | undefined> {
  const [row] = await db
    .select()
    .from(job)
    .where(
      and(
        eq(job.orgId, orgId),
        eq(job.state, "queued"),
        sql`(${job.machineId} IS NULL OR ${job.machineId} = ${machine.id})`,
        machine.shared ? undefined : eq(job.submitterId, machine.ownerId),
      ),
    )
    .orderBy(asc(job.id))
    .limit(1);
  return row;
}

/** The next instant a running job of the org lapses or times out: when the org object's alarm should sweep. */
export async function nextJobDeadline(db: Db, orgId: string): Promise<number | null> {
  const [row] = await db
    .select({ at: sql<number | null>`min(min(${job.leaseExpiresAt}, ${job.startedAt} + ${job.timeoutSeconds} * 1000))` })
    .from(job)
    .where(and(eq(job.orgId, orgId), eq(job.state, "running")));
  return row?.at ?? null;
}

export function insertJob(db: Db, row: typeof job.$inferInsert): Statement {
  return db.insert(job).values(row);
}

/** The submitter is still a member when the job is inserted (a job made while they leave is not made). */
export function guardMember(db: Db, orgId: string, userId: string): Statement {
  return guard(
    db,
    `user ${userId} is not a member of ${orgId}`,
    sql`EXISTS (SELECT 1 FROM membership WHERE user_id = ${userId} AND org_id = ${orgId})`,
  );
}

/** Asserts the job is still in `state` (and on `runningOn` when given) as the decision read it. */
export function guardJob(db: Db, jobId: string, state: JobState, leaseTokenHash?: string): Statement {
  const lease = leaseTokenHash === undefined ? sql`` : sql` AND lease_token_hash = ${leaseTokenHash}`;
  return guard(db, `job ${jobId} is no longer ${state}`, sql`EXISTS (SELECT 1 FROM job WHERE id = ${jobId} AND state = ${state}${lease})`);
}

export function claimJob(db: Db, jobId: string, machineId: string, leaseTokenHash: string, at: Date): Statement {
  return db
    .update(job)
    .set({ state: "running", runningOn: machineId, leaseTokenHash, leaseExpiresAt: new Date(at.getTime() + LEASE_MS), startedAt: at })
    .where(and(eq(job.id, jobId), eq(job.state, "queued")));
}

export function extendLease(db: Db, jobId: string, leaseTokenHash: string, expiresAt: Date): Statement {
  return db
    .update(job)
    .set({ leaseExpiresAt: expiresAt })
    .where(and(eq(job.id, jobId), eq(job.state, "running"), eq(job.leaseTokenHash, leaseTokenHash)));
}

export function finishJob(
  db: Db,
  jobId: string,
  leaseTokenHash: string,
  outcome: { state: JobState; failure: JobFailure | null; exitCode: number | null },
  at: Date,
): Statement {
  return db
    .update(job)
    .set({ ...outcome, finishedAt: at, runningOn: null, leaseTokenHash: null, leaseExpiresAt: null })
    .where(and(eq(job.id, jobId), eq(job.state, "running"), eq(job.leaseTokenHash, leaseTokenHash)));
}

export function cancelQueuedJob(db: Db, jobId: string, at: Date): Statement {
  return db
    .update(job)
    .set({ state: "cancelled", finishedAt: at })
    .where(and(eq(job.id, jobId), eq(job.state, "queued")));
}

export function requestCancel(db: Db, jobId: string): Statement {
  return db
    .update(job)
    .set({ cancelRequested: true })
    .where(and(eq(job.id, jobId), eq(job.state, "running")));
}

/**
 * Appends lines in one statement (the lines travel as one JSON parameter: D1 binds at most 100),
 * keeping at most `accepted` of them, and counts them (and the dropped rest) on the job.
 */
export function appendLogLines(db: Db, jobId: string, lines: LogLine[], accepted: number, at: Date): Statement[] {
  const kept = lines.slice(0, accepted);
  const statements: Statement[] = [];
  if (kept.length > 0) {
    statements.push(
      rawStatement(
        db,
        sql`
        INSERT INTO job_log (job_id, at, stream, text)
        SELECT ${jobId}, ${at.getTime()}, json_extract(value, '$.stream'), json_extract(value, '$.text')
        FROM json_each(${JSON.stringify(kept)}) ORDER BY key`,
      ),
    );
  }
  statements.push(
    db
      .update(job)
      .set({ logLines: sql`${job.logLines} + ${kept.length}`, logDropped: sql`${job.logDropped} + ${lines.length - kept.length}` })
      .where(eq(job.id, jobId)),
  );
  return statements;
}

/*
 * Bulk transitions, each one statement however many jobs, in the order they must run. A running
 * job that must stop while its cancel was requested ends `cancelled`, as the contract says
 * ("becomes cancelled when its machine stops it or its lease runs out").
 */

/** Lapsed leases and timeouts of the org's running jobs at `at`: timed out → failed/timeout; lapsed → cancelled, requeued or lost. */
export function sweepStatements(db: Db, orgId: string, at: Date): Statement[] {
  const now = at.getTime();
  const leaseFree = sql`running_on = NULL, lease_token_hash = NULL, lease_expires_at = NULL`;
  return [
    rawStatement(
      db,
      sql`
      UPDATE job SET state = 'failed', failure = 'timeout', finished_at = ${now}, ${leaseFree}
      WHERE org_id = ${orgId} AND state = 'running' AND started_at + timeout_seconds * 1000 <= ${now} AND cancel_requested = 0`,
    ),
    rawStatement(
      db,
      sql`
      UPDATE job SET state = 'cancelled', finished_at = ${now}, ${leaseFree}
      WHERE org_id = ${orgId} AND state = 'running' AND cancel_requested = 1
        AND (lease_expires_at <= ${now} OR started_at + timeout_seconds * 1000 <= ${now})`,
    ),
    rawStatement(
      db,
      sql`
      UPDATE job SET state = 'failed', failure = 'lost', finished_at = ${now}, ${leaseFree}
      WHERE org_id = ${orgId} AND state = 'running' AND lease_expires_at <= ${now} AND attempt >= ${MAX_ATTEMPTS}`,
    ),
    rawStatement(
      db,
      sql`
      UPDATE job SET state = 'queued', attempt = attempt + 1, started_at = NULL, ${leaseFree}
      WHERE org_id = ${orgId} AND state = 'running' AND lease_expires_at <= ${now} AND attempt < ${MAX_ATTEMPTS}`,
    ),
  ];
}

/**
 * Running jobs whose machine is gone (deleted, or its owner departed): back to the queue with
 * the same attempt (the run was stopped, not lost), or cancelled if a cancel was requested.
 */
export function machineGoneStatements(db: Db, orgId: string, at: Date): Statement[] {
  const now = at.getTime();
  const orphaned = sql`org_id = ${orgId} AND state = 'running' AND running_on NOT IN (SELECT id FROM machine WHERE org_id = ${orgId})`;
  const leaseFree = sql`running_on = NULL, lease_token_hash = NULL, lease_expires_at = NULL`;
  return [
    rawStatement(
      db,
      sql`UPDATE job SET state = 'cancelled', finished_at = ${now}, ${leaseFree} WHERE ${orphaned} AND cancel_requested = 1`,
    ),
    rawStatement(db, sql`UPDATE job SET state = 'queued', started_at = NULL, ${leaseFree} WHERE ${orphaned}`),
  ];
}

/** A departing member's jobs: running ones get a cancel request, queued ones are cancelled. */
export function departingJobsStatements(db: Db, orgId: string, userId: string, at: Date): Statement[] {
  return [
    db
      .update(job)
      .set({ cancelRequested: true })
      .where(and(eq(job.orgId, orgId), eq(job.submitterId, userId), eq(job.state, "running"))),
    db
      .update(job)
      .set({ state: "cancelled", finishedAt: at })
      .where(and(eq(job.orgId, orgId), eq(job.submitterId, userId), eq(job.state, "queued"))),
  ];
}

/** For project deletion (branch `projects`): its queued jobs are cancelled in the same batch. */
export function cancelQueuedJobsOfProject(db: Db, orgId: string, projectId: string, at: Date = new Date(clock.now())): Statement {
  return db
    .update(job)
    .set({ state: "cancelled", finishedAt: at })
    .where(and(eq(job.orgId, orgId), eq(job.projectId, projectId), eq(job.state, "queued")));
}

/** Retention: finished before the cutoff (epoch ms); logs first, so no cascade has to run. */
export const EXPIRED_JOB_WHERE = `state IN (${FINISHED_STATES.map((state) => `'${state}'`).join(", ")}) AND finished_at < ?1`;
