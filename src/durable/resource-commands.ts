import type { Db } from "../db/client";
import { findMachine, findMembers, findVolume, type MachineRecord, type VolumeRecord } from "../db/org-queries";
import { deleteMachine, deleteVolume, guardInserted, guardOwns, insertMachineIfMember, insertVolumeIfMember } from "../db/org-writes";
import { newId } from "../domain/ids";
import { mayDeleteResource } from "../domain/membership";
import type { MachineInput, VolumeInput } from "../domain/org-profile";
import { refuse, type Decision } from "./command";
import type { CommandInput } from "./membership-commands";

export type CreateMachineInput = CommandInput & { machine: MachineInput };
export type CreateVolumeInput = CommandInput & { volume: VolumeInput };
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

export async function decideCreateVolume(db: Db, input: CreateVolumeInput, at: Date): Promise<Decision<{ volume: VolumeRecord }>> {
  if (!(await isMember(db, input))) return refuse("not_found");
  const volume = { id: newId(), orgId: input.orgId, ownerId: input.actorId, ...input.volume, createdAt: at };
  return {
    ok: true,
    statements: [insertVolumeIfMember(db, volume), guardInserted(db, "volume", volume.id)],
    value: { volume: { id: volume.id, name: volume.name, sizeGb: volume.sizeGb, ownerId: volume.ownerId, createdAt: at.toISOString() } },
  };
}

export async function decideDeleteMachine(db: Db, input: DeleteResourceInput): Promise<Decision<{ deleted: string }>> {
  const [member, machine] = await Promise.all([isMember(db, input), findMachine(db, input.orgId, input.resourceId)]);
  if (!member || !machine) return refuse("not_found");
  const verdict = mayDeleteResource(input.actorId, machine.ownerId);
  if (!verdict.ok) return refuse(verdict.code, verdict.message);
  return {
    ok: true,
    statements: [guardOwns(db, "machine", input.orgId, machine.id, input.actorId), deleteMachine(db, input.orgId, machine.id, input.actorId)],
    value: { deleted: machine.id },
  };
}

export async function decideDeleteVolume(db: Db, input: DeleteResourceInput): Promise<Decision<{ deleted: string }>> {
  const [member, volume] = await Promise.all([isMember(db, input), findVolume(db, input.orgId, input.resourceId)]);
  if (!member || !volume) return refuse("not_found");
  const verdict = mayDeleteResource(input.actorId, volume.ownerId);
  if (!verdict.ok) return refuse(verdict.code, verdict.message);
  return {
    ok: true,
    statements: [guardOwns(db, "volume", input.orgId, volume.id, input.actorId), deleteVolume(db, input.orgId, volume.id, input.actorId)],
    value: { deleted: volume.id },
  };
}
