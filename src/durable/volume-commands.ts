import type { Db } from "../db/client";
import { findMember } from "../db/org-queries";
import { deleteVolumeContents, listVolumeMultiparts } from "../db/volume-file-queries";
import {
  deleteVolume,
  findVolume,
  guardOwnsVolume,
  guardVolumeInserted,
  insertVolumeIfMember,
  type VolumeRecord,
} from "../db/volume-queries";
import { newId } from "../domain/ids";
import { mayDeleteResource } from "../domain/membership";
import type { VolumeInput } from "../domain/volume";
import { refuse, type Decision } from "./command";
import type { CommandInput } from "./command";

export type CreateVolumeInput = CommandInput & { volume: VolumeInput };
export type DeleteVolumeInput = CommandInput & { volumeId: string };

export async function decideCreateVolume(db: Db, input: CreateVolumeInput, at: Date): Promise<Decision<{ volume: VolumeRecord }>> {
  if (!(await findMember(db, input.orgId, input.actorId))) return refuse("not_found");
  const volume = { id: newId(), orgId: input.orgId, ownerId: input.actorId, ...input.volume, createdAt: at };
  return {
    ok: true,
    statements: [insertVolumeIfMember(db, volume), guardVolumeInserted(db, volume.id)],
    value: { volume: { id: volume.id, name: volume.name, sizeGb: volume.sizeGb, ownerId: volume.ownerId, createdAt: at.toISOString() } },
  };
}

/**
 * Deletes one of the actor's own volumes with its files and unfinished uploads (their rows in
 * this batch; the caller then removes the R2 objects and aborts `multiparts`, and the orphan
 * sweep catches what that misses). Another member's volume is refused.
 */
export async function decideDeleteVolume(
  db: Db,
  input: DeleteVolumeInput,
): Promise<Decision<{ deleted: string; multiparts: { blobKey: string; r2UploadId: string }[] }>> {
  const [member, volume] = await Promise.all([findMember(db, input.orgId, input.actorId), findVolume(db, input.orgId, input.volumeId)]);
  if (!member || !volume) return refuse("not_found");
  const verdict = mayDeleteResource(input.actorId, volume.ownerId);
  if (!verdict.ok) return refuse(verdict.code, verdict.message);
  return {
    ok: true,
    statements: [
      guardOwnsVolume(db, input.orgId, volume.id, input.actorId),
      ...deleteVolumeContents(db, volume.id),
      deleteVolume(db, input.orgId, volume.id, input.actorId),
    ],
    value: { deleted: volume.id, multiparts: await listVolumeMultiparts(db, volume.id) },
  };
}
