import type { Db } from "../db/client";
import { findMembers, findVolume, type VolumeRecord } from "../db/org-queries";
import { deleteVolume, guardInserted, guardOwns, insertVolumeIfMember } from "../db/org-writes";
import { newId } from "../domain/ids";
import { mayDeleteResource } from "../domain/membership";
import type { VolumeInput } from "../domain/org-profile";
import { refuse, type Decision } from "./command";
import type { CommandInput } from "./membership-commands";

export type CreateVolumeInput = CommandInput & { volume: VolumeInput };
export type DeleteResourceInput = CommandInput & { resourceId: string };

async function isMember(db: Db, input: CommandInput): Promise<boolean> {
  return (await findMembers(db, input.orgId, [input.actorId])).has(input.actorId);
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

const RESOURCES = {
  volume: { find: findVolume, remove: deleteVolume },
} as const;

/** Deletes one of the actor's own volumes; another member's is refused. */
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
