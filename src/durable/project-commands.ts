import { cancelQueuedJobsOfProject } from "../db/job-queries";
import type { Statement } from "../db/batch";
import type { Db } from "../db/client";
import { findMembers } from "../db/org-queries";
import {
  deleteProject,
  findProject,
  guardArchiveObject,
  guardOwnsProject,
  guardProjectInserted,
  insertArchiveObject,
  insertProjectIfMember,
  projectNameTaken,
  publicProject,
  setProjectArchive,
  type ProjectRecord,
  type StoredProject,
} from "../db/project-queries";
import { newId } from "../domain/ids";
import { archiveObjectKey, mayChangeProject, projectNameKey, type CreateProjectFields } from "../domain/project";
import { refuse, type CommandInput, type Decision } from "./command";

export type CreateProjectInput = CommandInput & { project: CreateProjectFields };
export type ProjectRefInput = CommandInput & { projectId: string };
export type SetProjectArchiveInput = ProjectRefInput & { key: string; size: number; sha256: string };

const NAME_TAKEN = "A project with this name already exists in the organization.";

async function isMember(db: Db, input: CommandInput): Promise<boolean> {
  return (await findMembers(db, input.orgId, [input.actorId])).has(input.actorId);
}

/** The actor's own project, or the refusal: 404 when absent (or the actor is no member), 403 when another's. */
async function ownProject(db: Db, input: ProjectRefInput): Promise<{ ok: true; project: StoredProject } | ReturnType<typeof refuse>> {
  const [member, project] = await Promise.all([isMember(db, input), findProject(db, input.orgId, input.projectId)]);
  if (!member || !project) return refuse("not_found");
  const verdict = mayChangeProject(input.actorId, project.ownerId);
  if (!verdict.ok) return verdict;
  return { ok: true, project };
}

export async function decideCreateProject(db: Db, input: CreateProjectInput, at: Date): Promise<Decision<{ project: ProjectRecord }>> {
  const nameKey = projectNameKey(input.project.name);
  const [member, taken] = await Promise.all([isMember(db, input), projectNameTaken(db, input.orgId, nameKey)]);
  if (!member) return refuse("not_found");
  if (taken) return refuse("conflict", NAME_TAKEN);
  const row = {
    id: newId(),
    orgId: input.orgId,
    ownerId: input.actorId,
    name: input.project.name,
    nameKey,
    description: input.project.description,
    createdAt: at,
  };
  return {
    ok: true,
    // The unique index (org_id, name_key) is the SQL's own guard; a violation maps to 409 (org-object.ts).
    statements: [insertProjectIfMember(db, row), guardProjectInserted(db, row.id)],
    value: {
      project: {
        id: row.id,
        name: row.name,
        description: row.description,
        ownerId: row.ownerId,
        createdAt: at.toISOString(),
        archive: null,
      },
    },
  };
}

/**
 * Step one of an upload, before any byte is read: the caller must own the project, and the
 * new object's key is recorded, so an upload that dies midway leaves nothing the sweep does
 * not know of.
 */
export async function decideStartArchiveUpload(db: Db, input: ProjectRefInput, at: Date): Promise<Decision<{ key: string }>> {
  const own = await ownProject(db, input);
  if (!own.ok) return own;
  const key = archiveObjectKey(input.orgId, input.projectId, newId());
  return {
    ok: true,
    statements: [
      guardOwnsProject(db, input.orgId, input.projectId, input.actorId),
      insertArchiveObject(db, { key, orgId: input.orgId, projectId: input.projectId, createdAt: at }),
    ],
    value: { key },
  };
}

/**
 * Step two, once the bytes are in R2 and checked: the project points at the new object. The
 * old object is not deleted here: a queued job may have pinned it (the sweep frees it).
 */
export async function decideSetProjectArchive(
  db: Db,
  input: SetProjectArchiveInput,
  at: Date,
): Promise<Decision<{ project: ProjectRecord }>> {
  const own = await ownProject(db, input);
  if (!own.ok) return own;
  const archive = { key: input.key, size: input.size, sha256: input.sha256, uploadedAt: at };
  return {
    ok: true,
    statements: [
      guardOwnsProject(db, input.orgId, input.projectId, input.actorId),
      guardArchiveObject(db, input.key, input.projectId),
      setProjectArchive(db, input.orgId, input.projectId, input.actorId, archive),
    ],
    value: {
      project: { ...publicProject(own.project), archive: { size: archive.size, sha256: archive.sha256, uploadedAt: at.toISOString() } },
    },
  };
}

/** What else goes with a deleted project, in its batch: its queued jobs are cancelled (running ones keep their pinned archive). */
const PROJECT_DELETION_LINES: ((db: Db, orgId: string, projectId: string, at: Date) => Statement[])[] = [
  (db, orgId, projectId, at) => [cancelQueuedJobsOfProject(db, orgId, projectId, at)],
];

export async function decideDeleteProject(db: Db, input: ProjectRefInput, at: Date): Promise<Decision<{ deleted: string }>> {
  const own = await ownProject(db, input);
  if (!own.ok) return own;
  return {
    ok: true,
    statements: [
      guardOwnsProject(db, input.orgId, input.projectId, input.actorId),
      ...PROJECT_DELETION_LINES.flatMap((line) => line(db, input.orgId, input.projectId, at)),
      deleteProject(db, input.orgId, input.projectId, input.actorId),
    ],
    value: { deleted: input.projectId },
  };
}
