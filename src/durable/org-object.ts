import { DurableObject } from "cloudflare:workers";
import { clock } from "../clock";
import { isUniqueViolation } from "../db/batch";
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
import { decideCreateMachine, decideDeleteResource, type CreateMachineInput, type DeleteResourceInput } from "./resource-commands";
import { decideCreateVolume, decideDeleteVolume, type CreateVolumeInput, type DeleteVolumeInput } from "./volume-commands";
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

/** D1 constraints that only another org's writer can trip: answered, not thrown. */
export function mapConstraint(error: unknown): ErrorCode | null {
  // Invariant 2 across orgs: the user joined or created another org meanwhile.
  if (isUniqueViolation(error, "membership.user_id")) return "already_in_org";
  // The one-Owner partial index (on org_id where role = 'owner').
  if (isUniqueViolation(error, "membership.org_id")) return "conflict";
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
    options: { replayAfterDeparture?: boolean } = {},
  ): Promise<CommandResult<T>> {
    return this.serially(() => {
      const db = this.db();
      const at = new Date(clock.now());
      return applyOnce(db, operationOf(input, at, options.replayAfterDeparture), () => decide(db, at), mapConstraint);
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

  createMachine(input: CreateMachineInput) {
    return this.command(input, (db, at) => decideCreateMachine(db, input, at));
  }

  deleteMachine(input: DeleteResourceInput) {
    return this.command(input, (db) => decideDeleteResource(db, "machine", input));
  }

  // volume commands (src/durable/volume-commands.ts)
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

  // join-code commands (src/durable/join-code-commands.ts)
  createCodes(input: CreateCodesInput) {
    return this.serially(() => createCodes(this.db(), input, new Date(clock.now()), loadConfig(this.env).codeHashSecret));
  }

  revokeCode(input: RevokeCodeInput) {
    return this.command(input, (db, at) => decideRevokeCode(db, input, at));
  }

  redeemCode(input: RedeemCodeInput) {
    return this.command(input, (db, at) => decideRedeemCode(db, input, at));
  }
}
