import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { user } from "./auth-schema";

export * from "./auth-schema";

const createdAt = () => integer("created_at", { mode: "timestamp_ms" }).notNull();

/** API tokens: only the keyed hash of the secret is stored; the secret is shown once. */
export const apiToken = sqliteTable(
  "api_token",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
  },
  (table) => [index("api_token_user_idx").on(table.userId)],
);

export const organization = sqliteTable("organization", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  website: text("website").notNull().default(""),
  location: text("location").notNull().default(""),
  sector: text("sector").notNull().default(""),
  universityName: text("university_name").notNull().default(""),
  description: text("description").notNull().default(""),
  // Bumped by every membership change; batches assert it, so a writer that bypassed the
  // org's serial queue with a stale read cannot commit.
  version: integer("version").notNull().default(0),
  createdAt: createdAt(),
});

export const membership = sqliteTable(
  "membership",
  {
    // The primary key is the user: a user is a member of at most one org (invariant 2),
    // enforced here because per-org objects cannot see each other.
    userId: text("user_id")
      .primaryKey()
      .references(() => user.id, { onDelete: "cascade" }),
    orgId: text("org_id")
      .notNull()
      .references(() => organization.id),
    role: text("role", { enum: ["owner", "admin", "user"] }).notNull(),
    joinedAt: integer("joined_at", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [
    index("membership_org_idx").on(table.orgId, table.role),
    // At most one Owner per org; "at least one" is kept by every command and checked by guards.
    uniqueIndex("membership_one_owner_idx").on(table.orgId).where(sql`role = 'owner'`),
    check("membership_role_check", sql`${table.role} in ('owner', 'admin', 'user')`),
  ],
);

export const machine = sqliteTable(
  "machine",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organization.id),
    ownerId: text("owner_id")
      .notNull()
      .references(() => user.id),
    name: text("name").notNull(),
    hostname: text("hostname").notNull().default(""),
    gpus: integer("gpus").notNull().default(0),
    // Whether other members' jobs may run on it.
    shared: integer("shared", { mode: "boolean" }).notNull().default(false),
    // The agent's credential as a keyed hash; replaced by a new one, gone with the machine.
    agentTokenHash: text("agent_token_hash").unique(),
    // The agent's last request, written at most every ~30 s (null until its first).
    lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (table) => [index("machine_org_owner_idx").on(table.orgId, table.ownerId)],
);

export const volume = sqliteTable(
  "volume",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organization.id),
    ownerId: text("owner_id")
      .notNull()
      .references(() => user.id),
    name: text("name").notNull(),
    sizeGb: integer("size_gb").notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("volume_org_owner_idx").on(table.orgId, table.ownerId)],
);

/**
 * A project: the code a job runs, one archive replaced by upload. Each upload is its own R2
 * object (`archive_key`, never overwritten), so a job queued with an archive keeps those bytes
 * (it copies the key and sha256) while the project moves on; an archive nobody points at is swept.
 */
export const project = sqliteTable(
  "project",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organization.id),
    ownerId: text("owner_id")
      .notNull()
      .references(() => user.id),
    name: text("name").notNull(),
    // lower(name): names are unique in the org, case-insensitively.
    nameKey: text("name_key").notNull(),
    description: text("description").notNull().default(""),
    archiveKey: text("archive_key"),
    archiveSize: integer("archive_size"),
    archiveSha256: text("archive_sha256"),
    archiveUploadedAt: integer("archive_uploaded_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("project_org_name_idx").on(table.orgId, table.nameKey),
    index("project_org_owner_idx").on(table.orgId, table.ownerId),
    // The archive sweep asks "does any project still point at this object?" per candidate.
    index("project_archive_key_idx").on(table.archiveKey),
  ],
);

export const joinCode = sqliteTable(
  "join_code",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organization.id),
    // HMAC-SHA256 of the 8 digits under CODE_HASH_SECRET: 10^8 plain hashes reverse instantly.
    codeHash: text("code_hash").notNull(),
    // The last four digits, for lists ("••••-5678").
    hint: text("hint").notNull(),
    role: text("role", { enum: ["admin", "user"] }).notNull(),
    // Who the code was meant for ("" when none was given), so whoever handed it out sees who used which.
    label: text("label").notNull().default(""),
    createdBy: text("created_by")
      .notNull()
      .references(() => user.id),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    redeemedAt: integer("redeemed_at", { mode: "timestamp_ms" }),
    redeemedBy: text("redeemed_by"),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  },
  (table) => [
    // A code value is unique among unused, unrevoked codes; a collision at creation is retried.
    uniqueIndex("join_code_live_hash_idx").on(table.codeHash).where(sql`redeemed_at IS NULL AND revoked_at IS NULL`),
    index("join_code_org_idx").on(table.orgId, table.expiresAt),
    check("join_code_role_check", sql`${table.role} in ('admin', 'user')`),
  ],
);

export const auditEvent = sqliteTable(
  "audit_event",
  {
    // Time-ordered ids, so "newest first" and the cursor are one index scan.
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organization.id),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    action: text("action").notNull(),
    // Usernames are copied: the log must still read correctly after people leave.
    actorId: text("actor_id").notNull(),
    actorUsername: text("actor_username").notNull(),
    targetId: text("target_id"),
    targetUsername: text("target_username"),
    details: text("details", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
  },
  (table) => [index("audit_event_org_idx").on(table.orgId, table.id)],
);

/**
 * One row per applied mutation, written in the mutation's own batch: a retried command
 * with the same operation id finds its row and returns the stored result instead of
 * applying twice. `fingerprint` is the request the id was first used for (method, path,
 * body hash): the same Idempotency-Key on another request is refused, not replayed.
 */
export const operation = sqliteTable("operation", {
  id: text("id").primaryKey(),
  orgId: text("org_id").notNull(),
  fingerprint: text("fingerprint").notNull().default(""),
  result: text("result", { mode: "json" }).notNull().$type<unknown>(),
  at: integer("at", { mode: "timestamp_ms" }).notNull(),
});

/**
 * Never holds a row. A batch asserts a precondition with
 * `INSERT INTO batch_guard (failed) SELECT '<reason>' WHERE NOT (<condition>)`: when the
 * condition is false the CHECK fails and D1 rolls the whole batch back.
 */
export const batchGuard = sqliteTable("batch_guard", { failed: text("failed") }, (table) => [
  check("batch_guard_never", sql`${table.failed} IS NULL`),
]);

// ---- device login ----

/**
 * One CLI login waiting for, or given, a person's approval (RFC 8628). Both codes are stored
 * only as keyed hashes; the token is minted when the approved login is first polled, and the
 * row then records which token it became (`used`), so a second poll can never mint another.
 */
export const deviceAuthorization = sqliteTable(
  "device_authorization",
  {
    id: text("id").primaryKey(),
    deviceCodeHash: text("device_code_hash").notNull().unique(),
    userCodeHash: text("user_code_hash").notNull().unique(),
    clientName: text("client_name").notNull().default(""),
    status: text("status", { enum: ["pending", "approved", "denied", "used"] }).notNull(),
    // Who approved or denied it; null while pending.
    userId: text("user_id").references(() => user.id, { onDelete: "cascade" }),
    tokenId: text("token_id"),
    intervalSeconds: integer("interval_seconds").notNull(),
    lastPolledAt: integer("last_polled_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    decidedAt: integer("decided_at", { mode: "timestamp_ms" }),
  },
  (table) => [
    index("device_authorization_expiry_idx").on(table.expiresAt),
    check("device_authorization_status_check", sql`${table.status} in ('pending', 'approved', 'denied', 'used')`),
  ],
);

// ---- projects ----

/**
 * Every archive object ever written to R2, recorded (through the org object) before its
 * bytes are streamed, so no object can exist that the retention sweep does not know of.
 * An object is swept once nothing points at it: no project's current archive, no unfinished
 * job's pinned archive (see src/db/project-queries.ts), and it is older than any upload takes.
 */
export const projectArchive = sqliteTable(
  "project_archive",
  {
    key: text("key").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organization.id),
    projectId: text("project_id").notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("project_archive_created_idx").on(table.createdAt)],
);

// ---- jobs ----

/**
 * A job: an argv run on a machine, with the project's archive pinned when it was queued
 * (`archive_key`/`archive_sha256` copied from the project). Every change goes through the
 * org object; the lease token is kept only as a keyed hash, the env values only sealed.
 */
export const job = sqliteTable(
  "job",
  {
    // Time-ordered ids: "newest first", "oldest queued first" and cursors are index scans.
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organization.id),
    projectId: text("project_id").notNull(),
    submitterId: text("submitter_id").notNull(),
    archiveKey: text("archive_key").notNull(),
    archiveSha256: text("archive_sha256").notNull(),
    command: text("command", { mode: "json" }).notNull().$type<string[]>(),
    envNames: text("env_names", { mode: "json" }).notNull().$type<string[]>(),
    envSealed: text("env_sealed").notNull(),
    volumeIds: text("volume_ids", { mode: "json" }).notNull().$type<string[]>(),
    // The pin: the one machine it may run on, or null for any it may run on.
    machineId: text("machine_id"),
    runningOn: text("running_on"),
    state: text("state", { enum: ["queued", "running", "succeeded", "failed", "cancelled"] }).notNull(),
    failure: text("failure", { enum: ["exit_code", "timeout", "lost"] }),
    exitCode: integer("exit_code"),
    attempt: integer("attempt").notNull().default(1),
    cancelRequested: integer("cancel_requested", { mode: "boolean" }).notNull().default(false),
    timeoutSeconds: integer("timeout_seconds").notNull(),
    leaseTokenHash: text("lease_token_hash"),
    leaseExpiresAt: integer("lease_expires_at", { mode: "timestamp_ms" }),
    logLines: integer("log_lines").notNull().default(0),
    logDropped: integer("log_dropped").notNull().default(0),
    createdAt: createdAt(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (table) => [
    index("job_org_idx").on(table.orgId, table.id),
    index("job_org_state_idx").on(table.orgId, table.state, table.id),
    index("job_org_submitter_idx").on(table.orgId, table.submitterId, table.id),
    index("job_running_on_idx").on(table.runningOn),
    index("job_finished_idx").on(table.finishedAt),
    check("job_state_check", sql`${table.state} in ('queued', 'running', 'succeeded', 'failed', 'cancelled')`),
  ],
);

/** A job's log, oldest first by `id` (the cursor); capped per job (see job.log_lines). */
export const jobLog = sqliteTable(
  "job_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    jobId: text("job_id")
      .notNull()
      .references(() => job.id, { onDelete: "cascade" }),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    stream: text("stream", { enum: ["stdout", "stderr"] }).notNull(),
    text: text("text").notNull(),
  },
  (table) => [index("job_log_job_idx").on(table.jobId, table.id)],
);

// ---- volume files ----

/**
 * A volume's files. Each write streams to a fresh R2 object (`blob_key`, never overwritten) and
 * then swaps this row to it in one batch, so a reader sees the old file or the new one, whole.
 * `path` is TEXT under the default BINARY collation: SQLite compares UTF-8 text bytewise, which
 * is the contract's order.
 */
export const volumeFile = sqliteTable(
  "volume_file",
  {
    volumeId: text("volume_id")
      .notNull()
      .references(() => volume.id),
    orgId: text("org_id").notNull(),
    path: text("path").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    blobKey: text("blob_key").notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.volumeId, table.path] }), index("volume_file_blob_idx").on(table.blobKey)],
);

/**
 * Bytes a volume has promised to a write in flight: a single PUT (`kind = 'put'`, held while its
 * body streams) or a resumable upload (`'multipart'`, 24 h). Quota counts files plus these, so
 * concurrent writes can never together pass the volume's size.
 */
export const volumeUpload = sqliteTable(
  "volume_upload",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    volumeId: text("volume_id")
      .notNull()
      .references(() => volume.id),
    kind: text("kind", { enum: ["put", "multipart"] }).notNull(),
    path: text("path").notNull(),
    size: integer("size").notNull(),
    partSize: integer("part_size").notNull(),
    partCount: integer("part_count").notNull(),
    blobKey: text("blob_key").notNull(),
    // R2's multipart upload id (null for a single PUT).
    r2UploadId: text("r2_upload_id"),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [
    index("volume_upload_volume_idx").on(table.volumeId, table.expiresAt),
    index("volume_upload_expiry_idx").on(table.expiresAt),
    index("volume_upload_blob_idx").on(table.blobKey),
    check("volume_upload_kind_check", sql`${table.kind} in ('put', 'multipart')`),
  ],
);

/** The parts of a resumable upload received so far: R2's binding cannot list them, so we keep them. */
export const volumeUploadPart = sqliteTable(
  "volume_upload_part",
  {
    uploadId: text("upload_id")
      .notNull()
      .references(() => volumeUpload.id),
    n: integer("n").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    etag: text("etag").notNull(),
  },
  (table) => [primaryKey({ columns: [table.uploadId, table.n] })],
);
