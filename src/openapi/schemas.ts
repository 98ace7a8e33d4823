import { z } from "zod";
import { ERROR_STATUS } from "../errors";

/**
 * The response bodies of the contract (CONTRACT.md), as zod schemas the OpenAPI document is
 * generated from. Request bodies come from `domain/` where a domain schema exists; the few the
 * contract names before their feature has one are in `requests` below, written from the
 * contract's text. Objects are not strict here: a response may grow a field without breaking
 * a client, so the document promises the contract's fields, not the absence of others.
 */

const time = z.iso.datetime();
const id = z.string().min(1);
const role = z.enum(["owner", "admin", "user"]);
const person = z.object({ userId: id, username: z.string() });
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]),
      message: z.string(),
      details: z
        .union([
          z.array(z.object({ field: z.string(), message: z.string() })),
          z.object({ challenge: z.literal("turnstile"), siteKey: z.string() }),
        ])
        .optional(),
    }),
  })
  .meta({
    description:
      "Every error: an honest status and this body. `details` lists the field problems of an invalid_request, or (a 429 of POST /api/join while guessing is throttled) the human check that admits the attempt.",
  });

export const PublicUser = z.object({ id, email: z.string(), username: z.string(), name: z.string() });
export const UserBody = z.object({ user: PublicUser });
export const SignOutBody = z.object({ ok: z.literal(true) });
export const Me = z.object({
  user: PublicUser,
  org: z.object({ id, name: z.string() }).nullable(),
  role: role.nullable(),
});

export const NewToken = z.object({ id, name: z.string(), token: z.string(), createdAt: time });
export const TokenList = z.object({ tokens: z.array(z.object({ id, name: z.string(), createdAt: time, lastUsedAt: time.nullable() })) });

export const Org = z.object({
  id,
  name: z.string(),
  website: z.string(),
  location: z.string(),
  sector: z.string(),
  universityName: z.string(),
  description: z.string(),
  createdAt: time,
});
export const OrgBody = z.object({ org: Org });
const leader = z.object({ userId: id, username: z.string(), name: z.string(), role });
export const OrgView = z.object({ org: Org, role, leadership: z.array(leader) });
export const LeftBody = z.object({ org: z.null(), role: z.null() });

const member = z.object({ userId: id, username: z.string(), name: z.string(), role, joinedAt: time });
export const MemberBody = z.object({ member });
export const MemberList = z.object({ members: z.array(member.extend({ machines: z.array(z.object({ id, name: z.string() })) })) });

export const EventList = z.object({
  events: z.array(
    z.object({ id, at: time, action: z.string(), actor: person, target: person.optional(), details: z.record(z.string(), z.unknown()) }),
  ),
  nextCursor: z.string().nullable(),
});

const codeRole = z.enum(["user", "admin"]);
export const CreatedCodes = z.object({
  codes: z.array(z.object({ id, code: z.string().regex(/^[0-9]{4}-[0-9]{4}$/), role: codeRole, label: z.string(), expiresAt: time })),
});
const codeSummary = z.object({ id, hint: z.string(), role: codeRole, label: z.string(), createdBy: person, createdAt: time });
export const LiveCodes = z.object({ codes: z.array(codeSummary.extend({ expiresAt: time })) });
export const RedeemedCodes = z.object({ codes: z.array(codeSummary.extend({ redeemedAt: time, redeemedBy: person })) });
export const Joined = z.object({ org: z.object({ id, name: z.string() }), role: codeRole });

export const Machine = z.object({
  id,
  name: z.string(),
  hostname: z.string(),
  gpus: z.int(),
  shared: z.boolean(),
  ownerId: id,
  createdAt: time,
  lastSeenAt: time.nullable(),
});
export const NewMachine = z.object({ machine: Machine, agentToken: z.string() });
export const MachineBody = z.object({ machine: Machine });
export const MachineList = z.object({ machines: z.array(Machine) });
export const AgentTokenBody = z.object({ agentToken: z.string() });

export const Volume = z.object({ id, name: z.string(), sizeGb: z.int(), ownerId: id, createdAt: time });
export const VolumeBody = z.object({ volume: Volume });
export const VolumeList = z.object({ volumes: z.array(Volume) });

export const Project = z.object({
  id,
  name: z.string(),
  description: z.string(),
  ownerId: id,
  createdAt: time,
  archive: z.object({ size: z.int(), sha256, uploadedAt: time }).nullable(),
});
export const ProjectBody = z.object({ project: Project });
export const ProjectList = z.object({ projects: z.array(Project) });

export const VolumeFile = z.object({ path: z.string(), size: z.int(), sha256, updatedAt: time });
export const FileBody = z.object({ file: VolumeFile });
export const FileList = z.object({ files: z.array(VolumeFile), usedBytes: z.int(), nextCursor: z.string().nullable() });
const upload = z.object({ id, path: z.string(), size: z.int(), partSize: z.int(), partCount: z.int(), expiresAt: time });
const part = z.object({ n: z.int().min(1), size: z.int(), sha256 });
export const UploadBody = z.object({ upload });
export const PartBody = z.object({ part });
export const UploadState = z.object({ upload, parts: z.array(part) });

export const Job = z.object({
  id,
  projectId: id,
  archiveSha256: sha256,
  submitterId: id,
  command: z.array(z.string()),
  env: z.array(z.string()).meta({ description: "The names only: values are never shown again, except to the agent that claims the job." }),
  volumeIds: z.array(id),
  machineId: id.nullable(),
  runningOn: id.nullable(),
  state: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]),
  failure: z.enum(["exit_code", "timeout", "lost"]).nullable(),
  exitCode: z.int().nullable(),
  attempt: z.int(),
  cancelRequested: z.boolean(),
  timeoutSeconds: z.int(),
  createdAt: time,
  startedAt: time.nullable(),
  finishedAt: time.nullable(),
});
export const JobBody = z.object({ job: Job });
export const JobList = z.object({ jobs: z.array(Job), nextCursor: z.string().nullable() });
const stream = z.enum(["stdout", "stderr"]);
export const JobLogs = z.object({
  lines: z.array(z.object({ at: time, stream, text: z.string() })),
  nextCursor: z.string().nullable(),
  done: z.boolean(),
});

export const Claim = z.object({
  job: Job,
  lease: z.object({ token: z.string(), expiresAt: time }),
  env: z.record(z.string(), z.string()),
  volumes: z.array(z.object({ id, name: z.string() })),
});
export const Heartbeat = z.object({ cancelRequested: z.boolean(), lease: z.object({ expiresAt: time }) });

export const DeviceCodeGrant = z.object({
  deviceCode: z.string(),
  userCode: z.string().regex(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/),
  verificationUri: z.url(),
  verificationUriComplete: z.url(),
  expiresIn: z.int(),
  interval: z.int(),
});
export const DeviceToken = z.object({ token: z.string(), tokenId: id, user: z.object({ id, username: z.string() }) });
export const DeviceDecision = z.object({ clientName: z.string() });

export const OpenApiDocument = z.object({
  openapi: z.string(),
  info: z.object({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

/** Request bodies the contract names whose feature has no domain schema in this branch yet. */
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/);
export const requests = {
  machinePatch: z.strictObject({ name: z.string().trim().min(1).max(100).optional(), shared: z.boolean().optional() }),
  project: z.strictObject({ name: z.string().trim().min(1).max(100), description: z.string().max(500).optional() }),
  upload: z.strictObject({
    path: z.string().min(1),
    size: z
      .int()
      .min(1)
      .max(2 ** 40),
  }),
  job: z.strictObject({
    projectId: id,
    command: z.array(z.string().min(1).max(4096)).min(1).max(64),
    machineId: id.optional(),
    volumeIds: z.array(id).max(8).optional(),
    env: z.record(envName, z.string().max(4096)).optional(),
    timeoutSeconds: z.int().min(1).max(604_800).optional(),
  }),
  lease: z.strictObject({ leaseToken: z.string() }),
  logs: z.strictObject({ leaseToken: z.string(), lines: z.array(z.strictObject({ stream, text: z.string() })).max(1000) }),
  finish: z.strictObject({ leaseToken: z.string(), exitCode: z.int().nullable(), failure: z.literal("timeout").optional() }),
};
