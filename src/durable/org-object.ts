import { DurableObject } from "cloudflare:workers";
import { clock } from "../clock";
import { isUniqueViolation, type Statement } from "../db/batch";
import { loadConfig } from "../config";
import { createDb, type Db } from "../db/client";
import type { ErrorCode } from "../errors";
import { applyOnce, operationOf, type CommandInput, type CommandResult, type Decision } from "./command";
import { createCodes, decideRedeemCode, decideRevokeCode, type CreateCodesInput, type RedeemCodeInput, type RevokeCodeInput } from "./join-code-commands";
import {
  decideChangeRole,
  decideCreateOrg,
  decideLeave,
  decideRemoveMember,
  decideTransfer,
  decideUpdateProfile,
  type ChangeRoleInput,
  type CreateOrgInput,
  type RemoveMemberInput,
  type TransferInput,
  type UpdateProfileInput,
} from "./membership-commands";
import { decideCreateVolume, decideDeleteVolume, type CreateVolumeInput, type DeleteVolumeInput } from "./volume-commands";
import {
  decideCreateMachine,
  decideDeleteMachine,
  decideRotateAgentToken,
  decideUpdateMachine,
  type CreateMachineInput,
  type DeleteMachineInput,
  type RotateAgentTokenInput,
  type UpdateMachineInput,
} from "./machine-commands";
import {
  decideCreateProject,
  decideDeleteProject,
  decideSetProjectArchive,
  decideStartArchiveUpload,
  type CreateProjectInput,
  type ProjectRefInput,
  type SetProjectArchiveInput,
} from "./project-commands";
import {
  decideCancelUpload,
  decideCommit,
  decideDeleteFile,
  decideRecordPart,
  decideRelease,
  decideReserve,
  type CancelUploadInput,
  type CommitInput,
  type DeleteFileInput,
  type RecordPartInput,
  type ReleaseInput,
  type ReserveInput,
} from "./volume-file-commands";
import { SerialQueue } from "./serial-queue";
import { nextJobDeadline, sweepStatements } from "../db/job-queries";
import {
  decideAppendLogs,
  decideCancelJob,
  decideClaimJob,
  decideFinishJob,
  decideHeartbeat,
  decideSubmitJob,
  type AgentLogsInput,
  type CancelJobInput,
  type ClaimJobInput,
  type FinishJobInput,
  type LeaseInput,
  type SubmitJobInput,
} from "./job-commands";

/** D1 constraints that only another org's writer can trip: answered, not thrown. */
export function mapConstraint(error: unknown): ErrorCode | null {
  // Invariant 2 across orgs: the user joined or created another org meanwhile.
  if (isUniqueViolation(error, "membership.user_id")) return "already_in_org";
  // The one-Owner partial index (on org_id where role = 'owner').
  if (isUniqueViolation(error, "membership.org_id")) return "conflict";
  // Project names are unique in the org (case-insensitively); the queue decides it first.
  if (isUniqueViolation(error, "project.name_key")) return "conflict";
  return null;
}

/**
 * One object per organization, reached with `env.ORG.getByName(orgId)`. Every mutation of the
 * org runs through its serial queue: read fresh state from D1, decide with domain/ rules,
 * write in one atomic batch with guards. It keeps no state of its own, so it needs no
 * start-up and an eviction loses nothing; D1 (with the operation record) is the truth.
 */
export class OrgObject extends DurableObject<Env> {
  readonly #queue = new SerialQueue();

  protected serially<T>(task: () => Promise<T>): Promise<T> {
    return this.#queue.run(task);
  }

  /** Read on every command, so a test can wrap the binding to inject faults or gates. */
  protected db(): Db {
    return createDb(this.env.DB);
  }

  /**
   * Every command: in the queue, on fresh state, once per operation id. A replay is answered
   * here from the stored result, after the actor's current membership (see applyOnce).
   */
  protected command<T>(
    input: CommandInput,
    decide: (db: Db, at: Date) => Promise<Decision<T>>,
    options: { replayAfterDeparture?: boolean; optimistic?: boolean } = {},
  ): Promise<CommandResult<T>> {
    return this.serially(() => {
      const db = this.db();
      const at = new Date(clock.now());
      return applyOnce(db, operationOf(input, at, options), () => decide(db, at), mapConstraint);
    });
  }

  createOrg(input: CreateOrgInput) {
    return this.command(input, (db, at) => decideCreateOrg(db, input, at));
  }

  updateProfile(input: UpdateProfileInput) {
    return this.command(input, (db, at) => decideUpdateProfile(db, input, at));
  }

  changeRole(input: ChangeRoleInput) {
    return this.command(input, (db, at) => decideChangeRole(db, input, at));
  }

  removeMember(input: RemoveMemberInput) {
    return this.command(input, (db, at) => decideRemoveMember(db, input, at));
  }

  transferOwnership(input: TransferInput) {
    return this.command(input, (db, at) => decideTransfer(db, input, at));
  }

  leave(input: CommandInput) {
    // The stored answer of one's own departure says nothing about the org: a lost answer stays retryable.
    return this.command(input, (db, at) => decideLeave(db, input, at), { replayAfterDeparture: true });
  }

  createVolume(input: CreateVolumeInput) {
    return this.command(input, (db, at) => decideCreateVolume(db, input, at));
  }

  deleteVolume(input: DeleteVolumeInput) {
    return this.command(input, (db) => decideDeleteVolume(db, input));
  }

  // volume file commands (src/durable/volume-file-commands.ts); the bytes stream outside, between reserve and commit
  reserveFileWrite(input: ReserveInput) {
    return this.command(input, (db, at) => decideReserve(db, input, at));
  }

  commitFileWrite(input: CommitInput) {
    return this.command(input, (db, at) => decideCommit(db, input, at));
  }

  releaseFileWrite(input: ReleaseInput) {
    return this.command(input, (db) => decideRelease(db, input), { replayAfterDeparture: true });
  }

  cancelUpload(input: CancelUploadInput) {
    return this.command(input, (db, at) => decideCancelUpload(db, input, at));
  }

  recordUploadPart(input: RecordPartInput) {
    return this.command(input, (db, at) => decideRecordPart(db, input, at));
  }

  deleteFile(input: DeleteFileInput) {
    return this.command(input, (db) => decideDeleteFile(db, input));
  }

  // machine commands (src/durable/machine-commands.ts)
  createMachine(input: CreateMachineInput) {
    return this.command(input, (db, at) => decideCreateMachine(db, input, at));
  }

  updateMachine(input: UpdateMachineInput) {
    return this.command(input, (db) => decideUpdateMachine(db, input));
  }

  rotateAgentToken(input: RotateAgentTokenInput) {
    return this.command(input, (db) => decideRotateAgentToken(db, input));
  }

  deleteMachine(input: DeleteMachineInput) {
    return this.command(input, (db, at) => decideDeleteMachine(db, input, at));
  }

  // jobs commands (src/durable/job-commands.ts)
  submitJob(input: SubmitJobInput) {
    return this.command(input, (db, at) => decideSubmitJob(db, input, at, loadConfig(this.env).codeHashSecret));
  }

  cancelJob(input: CancelJobInput) {
    return this.#jobCommand(input, (db, at) => decideCancelJob(db, input, at));
  }

  /** Sweeps lapsed leases and timeouts first, so the queue it picks from is exact at this instant. */
  claimJob(input: ClaimJobInput) {
    return this.#jobCommand(input, (db, at) => decideClaimJob(db, input, at), true);
  }

  heartbeatJob(input: LeaseInput) {
    return this.#jobCommand(input, (db, at) => decideHeartbeat(db, input, at));
  }

  appendJobLogs(input: AgentLogsInput) {
    return this.#jobCommand(input, (db, at) => decideAppendLogs(db, input, at));
  }

  finishJob(input: FinishJobInput) {
    return this.#jobCommand(input, (db, at) => decideFinishJob(db, input, at));
  }

  /** Applies lapsed leases and timeouts now (the alarm's work; tests call it through runInDurableObject). */
  sweepJobs(orgId: string): Promise<void> {
    return this.serially(() => this.#sweep(this.db(), orgId, new Date(clock.now())));
  }

  /** Set at the earliest lease expiry or timeout of the org's running jobs (see #armSweep). */
  override async alarm(): Promise<void> {
    const orgId = await this.ctx.storage.get<string>("orgId");
    if (orgId) await this.sweepJobs(orgId);
  }

  #jobCommand<T>(input: CommandInput, decide: (db: Db, at: Date) => Promise<Decision<T>>, sweepFirst = false): Promise<CommandResult<T>> {
    return this.serially(async () => {
      const db = this.db();
      const at = new Date(clock.now());
      if (sweepFirst) await db.batch(sweepStatements(db, input.orgId, at) as [Statement, ...Statement[]]);
      const result = await applyOnce(db, operationOf(input, at), () => decide(db, at), mapConstraint);
      await this.#armSweep(db, input.orgId);
      return result;
    });
  }

  async #sweep(db: Db, orgId: string, at: Date): Promise<void> {
    await db.batch(sweepStatements(db, orgId, at) as [Statement, ...Statement[]]);
    await this.#armSweep(db, orgId);
  }

  /** Real, not lazy only: the object wakes at the next deadline even if no agent asks again. */
  async #armSweep(db: Db, orgId: string): Promise<void> {
    const deadline = await nextJobDeadline(db, orgId);
    if (deadline === null) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    await this.ctx.storage.put("orgId", orgId);
    await this.ctx.storage.setAlarm(deadline);
  }

  // join-code commands (src/durable/join-code-commands.ts)
  createCodes(input: CreateCodesInput) {
    return this.serially(() => createCodes(this.db(), input, new Date(clock.now()), loadConfig(this.env).codeHashSecret));
  }

  revokeCode(input: RevokeCodeInput) {
    return this.command(input, (db, at) => decideRevokeCode(db, input, at));
  }

  redeemCode(input: RedeemCodeInput) {
    // Its decision reads nothing (the edge found the code), so it commits without a lookup first.
    return this.command(input, (db, at) => decideRedeemCode(db, input, at), { optimistic: true });
  }

  // project commands (src/durable/project-commands.ts)
  createProject(input: CreateProjectInput) {
    return this.command(input, (db, at) => decideCreateProject(db, input, at));
  }

  startArchiveUpload(input: ProjectRefInput) {
    return this.command(input, (db, at) => decideStartArchiveUpload(db, input, at));
  }

  setProjectArchive(input: SetProjectArchiveInput) {
    return this.command(input, (db, at) => decideSetProjectArchive(db, input, at));
  }

  deleteProject(input: ProjectRefInput) {
    return this.command(input, (db, at) => decideDeleteProject(db, input, at));
  }
}
