import type { Db } from "../db/client";
import { findMachine, findMembers, type MachineRecord } from "../db/org-queries";
import { deleteMachine, guardInserted, guardOwns, insertMachineIfMember } from "../db/org-writes";
import { newId } from "../domain/ids";
import { mayDeleteResource } from "../domain/membership";
import type { MachineInput } from "../domain/org-profile";
import { refuse, type Decision } from "./command";
import type { CommandInput } from "./membership-commands";

export type CreateMachineInput = CommandInput & { machine: MachineInput };
export type DeleteResourceInput = CommandInput & { resourceId: string };

async function isMember(db: Db, input: CommandInput): Promise<boolean> {
  return (await findMembers(db, input.orgId, [input.actorId])).has(input.actorId);
}

export async function decideCreateMachine(db: Db, input: CreateMachineInput, at: Date): Promise<Decision<{ machine: MachineRecord }>> {
  if (!(await isMember(db, input))) return refuse("not_found");
  const machine = { id: newId(), orgId: input.orgId, ownerId: input.actorId, ...input.machine, createdAt: at };
  return {
    ok: true,
    statements: [insertMachineIfMember(db, machine), guardInserted(db, "machine", machine.id)],
    value: { machine: { id: machine.id, name: machine.name, hostname: machine.hostname, gpus: machine.gpus, ownerId: machine.ownerId, createdAt: at.toISOString() } },
  };
}

const RESOURCES = {
  machine: { find: findMachine, remove: deleteMachine },
} as const;

/** Deletes one of the actor's own machines; another member's is refused. (Volumes: volume-commands.ts.) */
export async function decideDeleteResource(
  db: Db,
  kind: keyof typeof RESOURCES,
  input: DeleteResourceInput,
): Promise<Decision<{ deleted: string }>> {
  const { find, remove } = RESOURCES[kind];
  const [member, resource] = await Promise.all([isMember(db, input), find(db, input.orgId, input.resourceId)]);
  if (!member || !resource) return refuse("not_found");
  const verdict = mayDeleteResource(input.actorId, resource.ownerId);
  if (!verdict.ok) return refuse(verdict.code, verdict.message);
  return {
    ok: true,
    statements: [guardOwns(db, kind, input.orgId, resource.id, input.actorId), remove(db, input.orgId, resource.id, input.actorId)],
    value: { deleted: resource.id },
  };
}
