import { findOperation } from "../db/batch";
import { createDb } from "../db/client";
import type { MachineInput, ProfileInput, ProfilePatch, VolumeInput } from "../domain/org-profile";
import { newId } from "../domain/ids";
import type { CodeRole } from "../domain/join-code";
import type { TransferConfirmation } from "../domain/membership";
import { AppError } from "../errors";
import type { CommandResult } from "./command";
import type { OrgObject } from "./org-object";

type OrgStub = DurableObjectStub<OrgObject>;

export interface CommandOptions {
  /**
   * The client's `Idempotency-Key`: the same key from the same person for the same command
   * applies once, and a repeat gets the first answer. Without one, each call is new.
   */
  idempotencyKey?: string | undefined;
}

const RETRY_PAUSE_MS = 100;

/** An infrastructure failure that says the request may not have reached the object. */
function isRetryable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const flags = error as { retryable?: unknown; overloaded?: unknown };
  return flags.retryable === true && flags.overloaded !== true;
}

/**
 * Calls one org command. A reset object (eviction, deploy, a dropped connection) is retried
 * once on a fresh stub with the SAME operation id: the command is idempotent, so a first
 * attempt that did commit is answered from its stored result instead of applying twice.
 */
async function call<T>(env: Env, orgId: string, invoke: (stub: OrgStub) => Promise<CommandResult<T>>): Promise<T> {
  let result: CommandResult<T>;
  try {
    result = await invoke(env.ORG.getByName(orgId));
  } catch (error) {
    if (!isRetryable(error)) throw error;
    // An object still being reset refuses an immediate retry; a short pause lets it restart.
    await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
    result = await invoke(env.ORG.getByName(orgId));
  }
  if (!result.ok) throw new AppError(result.code, result.message);
  return result.value;
}

/**
 * The org's commands, as API routes and dashboard pages call them: each takes who asks and
 * the arguments, and returns the value or throws the contract's AppError.
 */
export function orgCommands(env: Env, orgId: string, options: CommandOptions = {}) {
  const operationId = (actorId: string, command: string) =>
    options.idempotencyKey ? `key:${actorId}:${command === "createOrg" ? "" : orgId}:${command}:${options.idempotencyKey}` : newId();
  const base = (actorId: string, command: string) => ({ operationId: operationId(actorId, command), orgId, actorId });

  return {
    /**
     * Whether this actor's command under this Idempotency-Key was already applied: a retry
     * is then answered from the stored result even if the route's own check would now
     * refuse (the Owner who transferred is an Admin now; the member who left is gone).
     */
    wasApplied: async (actorId: string, command: string): Promise<boolean> =>
      options.idempotencyKey !== undefined && (await findOperation(createDb(env.DB), operationId(actorId, command))) !== undefined,
    createOrg: (actorId: string, profile: ProfileInput) => call(env, orgId, (stub) => stub.createOrg({ ...base(actorId, "createOrg"), profile })),
    updateProfile: (actorId: string, patch: ProfilePatch) =>
      call(env, orgId, (stub) => stub.updateProfile({ ...base(actorId, "updateProfile"), patch })),
    changeRole: (actorId: string, targetId: string, role: "admin" | "user") =>
      call(env, orgId, (stub) => stub.changeRole({ ...base(actorId, "changeRole"), targetId, role })),
    removeMember: (actorId: string, targetId: string) => call(env, orgId, (stub) => stub.removeMember({ ...base(actorId, "removeMember"), targetId })),
    transferOwnership: (actorId: string, targetId: string, confirmation: TransferConfirmation) =>
      call(env, orgId, (stub) =>
        stub.transferOwnership({
          ...base(actorId, "transferOwnership"),
          targetId,
          confirmOrgName: confirmation.confirmOrgName,
          confirmUsername: confirmation.confirmUsername,
        }),
      ),
    leave: (actorId: string) => call(env, orgId, (stub) => stub.leave(base(actorId, "leave"))),
    createMachine: (actorId: string, machine: MachineInput) => call(env, orgId, (stub) => stub.createMachine({ ...base(actorId, "createMachine"), machine })),
    deleteMachine: (actorId: string, resourceId: string) =>
      call(env, orgId, (stub) => stub.deleteMachine({ ...base(actorId, "deleteMachine"), resourceId })),
    createVolume: (actorId: string, volume: VolumeInput) => call(env, orgId, (stub) => stub.createVolume({ ...base(actorId, "createVolume"), volume })),
    deleteVolume: (actorId: string, resourceId: string) =>
      call(env, orgId, (stub) => stub.deleteVolume({ ...base(actorId, "deleteVolume"), resourceId })),
    // join codes (src/durable/join-code-commands.ts)
    createCodes: (actorId: string, request: { role: CodeRole; count: number }) =>
      call(env, orgId, (stub) => stub.createCodes({ ...base(actorId, "createCodes"), role: request.role, count: request.count })),
    revokeCode: (actorId: string, codeId: string) => call(env, orgId, (stub) => stub.revokeCode({ ...base(actorId, "revokeCode"), codeId })),
    redeemCode: (actorId: string, codeId: string) => call(env, orgId, (stub) => stub.redeemCode({ ...base(actorId, "redeemCode"), codeId })),
  };
}

export type OrgCommands = ReturnType<typeof orgCommands>;
/** Every command the client offers; part of the operation id, so one key serves one command. */
export type OrgCommandName = Exclude<keyof OrgCommands, "wasApplied">;
