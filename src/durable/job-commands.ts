import type { Db } from "../db/client";
import {
  appendLogLines,
  cancelQueuedJob,
  claimJob,
  extendLease,
  findClaimable,
  findJobRow,
  findProjectArchive,
  findVolumesByIds,
  finishJob,
  guardJob,
  guardMember,
  insertJob,
  requestCancel,
  toJob,
  type JobRecord,
  type JobRow,
} from "../db/job-queries";
import { findMachine } from "../db/machine-queries";
import { findMembers } from "../db/org-queries";
import { newSortableId } from "../domain/ids";
import { finishOutcome, isFinished, JOB_LIMITS, LEASE_MS, sealEnv, type LogLine, type SubmitJob } from "../domain/job";
import { mayRunOn } from "../domain/machine";
import { refuse, type CommandInput, type Decision } from "./command";

export type SubmitJobInput = CommandInput & { job: SubmitJob };
export type CancelJobInput = CommandInput & { jobId: string };
/** Agent commands: the actor is the machine's owner; the lease token reaches the object only as its keyed hash. */
export type ClaimJobInput = CommandInput & { machineId: string; leaseTokenHash: string };
export type LeaseInput = CommandInput & { machineId: string; jobId: string; leaseTokenHash: string };
export type AgentLogsInput = LeaseInput & { lines: LogLine[] };
export type FinishJobInput = LeaseInput & { exitCode: number | null; failure?: "timeout" | undefined };

export interface Claimed {
  job: JobRecord;
  leaseExpiresAt: string;
  /** Sealed (src/domain/job.ts): the route opens it for the agent; a stored answer holds no plain value. */
  envSealed: string;
  volumes: { id: string; name: string }[];
}

async function isMember(db: Db, orgId: string, userId: string): Promise<boolean> {
  return (await findMembers(db, orgId, [userId])).has(userId);
}

export async function decideSubmitJob(db: Db, input: SubmitJobInput, at: Date, sealSecret: string): Promise<Decision<{ job: JobRecord }>> {
  const spec = input.job;
  const [member, archive, machine, volumes] = await Promise.all([
    isMember(db, input.orgId, input.actorId),
    findProjectArchive(db, input.orgId, spec.projectId),
    spec.machineId === undefined ? Promise.resolve(undefined) : findMachine(db, input.orgId, spec.machineId),
    findVolumesByIds(db, input.orgId, spec.volumeIds),
  ]);
  if (!member) return refuse("not_found");
  if (!archive) return refuse("not_found", "No such project.");
  if (spec.machineId !== undefined) {
    if (!machine) return refuse("not_found", "No such machine.");
    if (!mayRunOn(input.actorId, machine)) return refuse("forbidden", "That machine is another member's and not shared.");
  }
  if (volumes.length !== spec.volumeIds.length) return refuse("not_found", "No such volume.");
  if (volumes.some((volume) => volume.ownerId !== input.actorId)) return refuse("forbidden", "A job may use only your own volumes.");
  if (!archive.archiveKey || !archive.archiveSha256) return refuse("conflict", "The project has no archive yet: upload one first.");
  const id = newSortableId(at.getTime());
  const row = {
    id,
    orgId: input.orgId,
    projectId: spec.projectId,
    submitterId: input.actorId,
    archiveKey: archive.archiveKey,
    archiveSha256: archive.archiveSha256,
    command: spec.command,
    envNames: Object.keys(spec.env),
    envSealed: await sealEnv(sealSecret, id, spec.env),
    volumeIds: spec.volumeIds,
    machineId: spec.machineId ?? null,
    runningOn: null,
    state: "queued" as const,
    failure: null,
    exitCode: null,
    attempt: 1,
    cancelRequested: false,
    timeoutSeconds: spec.timeoutSeconds,
    leaseTokenHash: null,
    leaseExpiresAt: null,
    logLines: 0,
    logDropped: 0,
    createdAt: at,
    startedAt: null,
    finishedAt: null,
  };
  return { ok: true, statements: [guardMember(db, input.orgId, input.actorId), insertJob(db, row)], value: { job: toJob(row) } };
}

/** Own jobs only: queued → cancelled at once; running → cancel requested; finished → 409. */
export async function decideCancelJob(db: Db, input: CancelJobInput, at: Date): Promise<Decision<{ job: JobRecord }>> {
  const [member, row] = await Promise.all([isMember(db, input.orgId, input.actorId), findJobRow(db, input.orgId, input.jobId)]);
  if (!member || !row) return refuse("not_found");
  if (row.submitterId !== input.actorId) return refuse("forbidden", "You can cancel only your own jobs.");
  if (isFinished(row.state)) return refuse("conflict", `The job is already ${row.state}.`);
  if (row.state === "queued") {
    const job = toJob({ ...row, state: "cancelled", finishedAt: at });
    return { ok: true, statements: [guardJob(db, row.id, "queued"), cancelQueuedJob(db, row.id, at)], value: { job } };
  }
  const job = toJob({ ...row, cancelRequested: true });
  if (row.cancelRequested) return { ok: true, statements: [], value: { job } };
  return { ok: true, statements: [guardJob(db, row.id, "running"), requestCancel(db, row.id)], value: { job } };
}

/** The oldest queued job this machine may run, now running on it under a new lease; null when none. */
export async function decideClaimJob(db: Db, input: ClaimJobInput, at: Date): Promise<Decision<{ claimed: Claimed | null }>> {
  const machine = await findMachine(db, input.orgId, input.machineId);
  if (!machine) return refuse("unauthenticated", "This machine is no longer registered.");
  const row = await findClaimable(db, input.orgId, machine);
  if (!row) return { ok: true, statements: [], value: { claimed: null } };
  const expiresAt = new Date(at.getTime() + LEASE_MS);
  const volumes = await findVolumesByIds(db, input.orgId, row.volumeIds);
  const running: JobRow = {
    ...row,
    state: "running",
    runningOn: machine.id,
    startedAt: at,
    leaseExpiresAt: expiresAt,
    leaseTokenHash: input.leaseTokenHash,
  };
  return {
    ok: true,
    statements: [
      guardJob(db, row.id, "queued"),
      claimJob(db, row.id, machine.id, input.leaseTokenHash, at),
      guardJob(db, row.id, "running", input.leaseTokenHash),
    ],
    value: {
      claimed: {
        job: toJob(running),
        leaseExpiresAt: expiresAt.toISOString(),
        envSealed: row.envSealed,
        volumes: row.volumeIds.flatMap((id) => volumes.filter((volume) => volume.id === id).map(({ id, name }) => ({ id, name }))),
      },
    },
  };
}

/**
 * The job while this machine holds its lease: running here, this token, neither lapsed nor
 * past its timeout at `at` (exact, whether or not a sweep has run yet).
 */
async function leased(db: Db, input: LeaseInput, at: Date): Promise<JobRow | undefined> {
  const row = await findJobRow(db, input.orgId, input.jobId);
  if (row?.state !== "running" || row.runningOn !== input.machineId || row.leaseTokenHash !== input.leaseTokenHash) return undefined;
  const now = at.getTime();
  if (!row.leaseExpiresAt || row.leaseExpiresAt.getTime() <= now) return undefined;
  if (row.startedAt && row.startedAt.getTime() + row.timeoutSeconds * 1000 <= now) return undefined;
  return row;
}

export async function decideHeartbeat(
  db: Db,
  input: LeaseInput,
  at: Date,
): Promise<Decision<{ cancelRequested: boolean; lease: { expiresAt: string } }>> {
  const row = await leased(db, input, at);
  if (!row) return refuse("lease_lost");
  const expiresAt = new Date(at.getTime() + LEASE_MS);
  return {
    ok: true,
    statements: [guardJob(db, row.id, "running", input.leaseTokenHash), extendLease(db, row.id, input.leaseTokenHash, expiresAt)],
    value: { cancelRequested: row.cancelRequested, lease: { expiresAt: expiresAt.toISOString() } },
  };
}

/** Appends the lines while leased; past the per-job cap lines are dropped and counted (docs/jobs.md). */
export async function decideAppendLogs(db: Db, input: AgentLogsInput, at: Date): Promise<Decision<{ kept: number }>> {
  const row = await leased(db, input, at);
  if (!row) return refuse("lease_lost");
  const accepted = Math.max(0, Math.min(input.lines.length, JOB_LIMITS.logLinesPerJob - row.logLines));
  return {
    ok: true,
    statements: [guardJob(db, row.id, "running", input.leaseTokenHash), ...appendLogLines(db, row.id, input.lines, accepted, at)],
    value: { kept: accepted },
  };
}

export async function decideFinishJob(db: Db, input: FinishJobInput, at: Date): Promise<Decision<{ job: JobRecord }>> {
  const row = await leased(db, input, at);
  if (!row) return refuse("lease_lost");
  const outcome = {
    ...finishOutcome({ cancelRequested: row.cancelRequested, exitCode: input.exitCode, failure: input.failure }),
    exitCode: input.exitCode,
  };
  const job = toJob({ ...row, ...outcome, finishedAt: at, runningOn: null, leaseTokenHash: null, leaseExpiresAt: null });
  return {
    ok: true,
    statements: [guardJob(db, row.id, "running", input.leaseTokenHash), finishJob(db, row.id, input.leaseTokenHash, outcome, at)],
    value: { job },
  };
}
