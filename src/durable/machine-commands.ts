import type { Db } from "../db/client";
import {
  findMachine,
  deleteMachine,
  toMachine,
  guardMachineInserted,
  guardOwnsMachine,
  insertMachineIfMember,
  updateMachine,
  type MachineRecord,
} from "../db/machine-queries";
import { machineGoneStatements } from "../db/job-queries";
import { findMembers } from "../db/org-queries";
import { newId } from "../domain/ids";
import type { MachineInput, MachinePatch } from "../domain/machine";
import { mayDeleteResource } from "../domain/membership";
import type { ErrorCode } from "../errors";
import { refuse, type CommandInput, type Decision } from "./command";

/** The agent token is made and hashed by the route: only its keyed hash reaches the object (and its stored answer). */
export type CreateMachineInput = CommandInput & { machine: MachineInput; agentTokenHash: string };
export type UpdateMachineInput = CommandInput & { machineId: string; patch: MachinePatch };
export type RotateAgentTokenInput = CommandInput & { machineId: string; agentTokenHash: string };
export type DeleteMachineInput = CommandInput & { resourceId: string };

async function isMember(db: Db, input: CommandInput): Promise<boolean> {
  return (await findMembers(db, input.orgId, [input.actorId])).has(input.actorId);
}

/** The actor's own machine, or the refusal: gone (or not a member) → 404, another member's → 403. */
async function ownMachine(
  db: Db,
  input: CommandInput,
  machineId: string,
): Promise<{ ok: true; machine: MachineRecord } | { ok: false; code: ErrorCode; message?: string }> {
  const [member, machine] = await Promise.all([isMember(db, input), findMachine(db, input.orgId, machineId)]);
  if (!member || !machine) return refuse("not_found");
  const verdict = mayDeleteResource(input.actorId, machine.ownerId);
  if (!verdict.ok) return refuse("forbidden", "You can change only your own machines.");
  return { ok: true, machine };
}

/** Changes one of the actor's own machines, guarded on its still being theirs at commit. */
function changeOwnMachine(db: Db, input: CommandInput, machineId: string, changes: Parameters<typeof updateMachine>[4]) {
  return [guardOwnsMachine(db, input.orgId, machineId, input.actorId), updateMachine(db, input.orgId, machineId, input.actorId, changes)];
}

export async function decideCreateMachine(
  db: Db,
  input: CreateMachineInput,
  at: Date,
): Promise<Decision<{ machine: MachineRecord; agentTokenHash: string }>> {
  if (!(await isMember(db, input))) return refuse("not_found");
  const row = {
    id: newId(),
    orgId: input.orgId,
    ownerId: input.actorId,
    ...input.machine,
    agentTokenHash: input.agentTokenHash,
    createdAt: at,
  };
  const machine = toMachine({ ...row, lastSeenAt: null });
  return {
    ok: true,
    statements: [insertMachineIfMember(db, row), guardMachineInserted(db, row.id)],
    // The hash tells the route whether this answer is the first or a replay (whose token it never saw).
    value: { machine, agentTokenHash: input.agentTokenHash },
  };
}

export async function decideUpdateMachine(db: Db, input: UpdateMachineInput): Promise<Decision<{ machine: MachineRecord }>> {
  const found = await ownMachine(db, input, input.machineId);
  if (!found.ok) return found;
  const changes: { name?: string; shared?: boolean } = {};
  if (input.patch.name !== undefined) changes.name = input.patch.name;
  if (input.patch.shared !== undefined) changes.shared = input.patch.shared;
  const machine = { ...found.machine, ...changes };
  if (Object.keys(changes).length === 0) return { ok: true, statements: [], value: { machine } };
  return {
    ok: true,
    statements: changeOwnMachine(db, input, machine.id, changes),
    value: { machine },
  };
}

export async function decideRotateAgentToken(db: Db, input: RotateAgentTokenInput): Promise<Decision<{ agentTokenHash: string }>> {
  const found = await ownMachine(db, input, input.machineId);
  if (!found.ok) return found;
  return {
    ok: true,
    statements: changeOwnMachine(db, input, input.machineId, { agentTokenHash: input.agentTokenHash }),
    value: { agentTokenHash: input.agentTokenHash },
  };
}

/** Deregisters one of the actor's own machines: its token goes with its row, and a job running on it goes back to the queue. */
export async function decideDeleteMachine(db: Db, input: DeleteMachineInput, at: Date): Promise<Decision<{ deleted: string }>> {
  const found = await ownMachine(db, input, input.resourceId);
  if (!found.ok) return found;
  return {
    ok: true,
    statements: [
      guardOwnsMachine(db, input.orgId, input.resourceId, input.actorId),
      deleteMachine(db, input.orgId, input.resourceId, input.actorId),
      ...machineGoneStatements(db, input.orgId, at),
    ],
    value: { deleted: input.resourceId },
  };
}
