import { z } from "zod";
import { signInSchema, signUpSchema, tokenNameSchema } from "../domain/account";
import { deviceCodeRequestSchema, deviceTokenRequestSchema, userCodeRequestSchema } from "../domain/device-login";
import { createCodesSchema, redeemCodeSchema } from "../domain/join-code";
import { machineSchema } from "../domain/machine";
import { createOrgSchema, profilePatchSchema, roleChangeSchema, transferSchema } from "../domain/org-profile";
import { volumeSchema } from "../domain/volume";
import * as s from "./schemas";

/**
 * The OpenAPI 3.1 document of every /api path of the contract, generated once per isolate from
 * zod: request bodies from the domain's own schemas (what the routes parse), responses from
 * src/openapi/schemas.ts. JSON Schema draft 2020-12 is OpenAPI 3.1's own dialect.
 */

type Auth = "none" | "user" | "agent";
type Body = z.ZodType | "bytes";
type Reply = z.ZodType | "bytes" | "empty" | "websocket";

interface Param {
  name: string;
  description: string;
  schema: Record<string, unknown>;
}

interface Operation {
  summary: string;
  auth: Auth;
  body?: Body;
  /** Whether the body may be left out (actions whose body is "–" accept none as well as `{}`). */
  bodyOptional?: boolean;
  query?: Param[];
  replies: Record<number, Reply | { schema: Reply; description: string }>;
  errors: number[];
  description?: string;
}

/** Named schemas: they appear once under components.schemas and are referenced from operations. */
const COMPONENTS = {
  Error: s.ErrorBody,
  PublicUser: s.PublicUser,
  UserBody: s.UserBody,
  SignOutBody: s.SignOutBody,
  Me: s.Me,
  NewToken: s.NewToken,
  TokenList: s.TokenList,
  Org: s.Org,
  OrgBody: s.OrgBody,
  OrgView: s.OrgView,
  LeftBody: s.LeftBody,
  MemberBody: s.MemberBody,
  MemberList: s.MemberList,
  EventList: s.EventList,
  CreatedCodes: s.CreatedCodes,
  LiveCodes: s.LiveCodes,
  RedeemedCodes: s.RedeemedCodes,
  Joined: s.Joined,
  Machine: s.Machine,
  NewMachine: s.NewMachine,
  MachineBody: s.MachineBody,
  MachineList: s.MachineList,
  AgentTokenBody: s.AgentTokenBody,
  Volume: s.Volume,
  VolumeBody: s.VolumeBody,
  VolumeList: s.VolumeList,
  Project: s.Project,
  ProjectBody: s.ProjectBody,
  ProjectList: s.ProjectList,
  VolumeFile: s.VolumeFile,
  FileBody: s.FileBody,
  FileList: s.FileList,
  UploadBody: s.UploadBody,
  PartBody: s.PartBody,
  UploadState: s.UploadState,
  Job: s.Job,
  JobBody: s.JobBody,
  JobList: s.JobList,
  JobLogs: s.JobLogs,
  Claim: s.Claim,
  Heartbeat: s.Heartbeat,
  DeviceCodeGrant: s.DeviceCodeGrant,
  DeviceToken: s.DeviceToken,
  DeviceDecision: s.DeviceDecision,
  SignUpRequest: signUpSchema,
  SignInRequest: signInSchema,
  TokenRequest: tokenNameSchema,
  CreateOrgRequest: createOrgSchema,
  ProfilePatchRequest: profilePatchSchema,
  RoleChangeRequest: roleChangeSchema,
  TransferRequest: transferSchema,
  CreateCodesRequest: createCodesSchema,
  JoinRequest: redeemCodeSchema,
  // `shared` is the contract's; the domain schema gains it with the agents work.
  CreateMachineRequest: machineSchema.extend({ shared: z.boolean().optional() }),
  MachinePatchRequest: s.requests.machinePatch,
  CreateVolumeRequest: volumeSchema,
  CreateProjectRequest: s.requests.project,
  CreateUploadRequest: s.requests.upload,
  CreateJobRequest: s.requests.job,
  LeaseRequest: s.requests.lease,
  AgentLogsRequest: s.requests.logs,
  FinishRequest: s.requests.finish,
  DeviceCodeRequest: deviceCodeRequestSchema,
  DeviceTokenRequest: deviceTokenRequestSchema,
  UserCodeRequest: userCodeRequestSchema,
} satisfies Record<string, z.ZodType>;

const NAMES = new Map<z.ZodType, string>(Object.entries(COMPONENTS).map(([name, schema]) => [schema, name]));

/** JSON Schema of what crosses the wire: requests as the client sends them (before transforms and defaults). */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}

function ref(schema: z.ZodType): Record<string, unknown> {
  const name = NAMES.get(schema);
  return name ? { $ref: `#/components/schemas/${name}` } : jsonSchema(schema);
}

const BYTES = { type: "string", contentMediaType: "application/octet-stream" };
const ERROR_WORDS: Record<number, string> = {
  400: "Bad input (`invalid_request` with details, or the operation's own 400 codes)",
  401: "`unauthenticated`: no valid credential of the kind this path takes",
  403: "`forbidden` (the role or ownership does not allow it) or `csrf` (a cookie request from a foreign Origin)",
  404: "`not_found` or `invalid_code`: no such thing, or not visible to the caller",
  409: "The state forbids it (`conflict`, `already_in_org`, `owner_must_transfer`, `target_not_admin`, `quota_exceeded`, `lease_lost`), or an Idempotency-Key reused for another request (`conflict`)",
  411: "No Content-Length on an upload",
  413: "`too_large`: a JSON body over 64 KiB or an upload over its limit",
  426: "Not a WebSocket upgrade",
  429: "`rate_limited`: too many attempts; see Retry-After",
  500: "`internal`: an unexpected failure on our side",
};

/** The org commands that take an `Idempotency-Key` (src/routes/org-access.ts `orgCommand`). */
const KEYED = new Set([
  "POST /api/orgs",
  "PATCH /api/orgs/{orgId}",
  "PUT /api/orgs/{orgId}/members/{userId}/role",
  "DELETE /api/orgs/{orgId}/members/{userId}",
  "POST /api/orgs/{orgId}/transfer",
  "POST /api/orgs/{orgId}/leave",
  "POST /api/orgs/{orgId}/join-codes",
  "DELETE /api/orgs/{orgId}/join-codes/{codeId}",
  "POST /api/orgs/{orgId}/machines",
  "PATCH /api/orgs/{orgId}/machines/{id}",
  "POST /api/orgs/{orgId}/machines/{id}/agent-token",
  "DELETE /api/orgs/{orgId}/machines/{id}",
  "POST /api/orgs/{orgId}/volumes",
  "DELETE /api/orgs/{orgId}/volumes/{id}",
  "POST /api/orgs/{orgId}/projects",
  "DELETE /api/orgs/{orgId}/projects/{id}",
  "POST /api/orgs/{orgId}/jobs",
  "POST /api/orgs/{orgId}/jobs/{id}/cancel",
]);

const IDEMPOTENCY_KEY = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    "1–200 visible ASCII characters. A retry with the same key answers the first answer (for 24 hours); the same key on another request (method, path or body) is refused with 409 `conflict`.",
  schema: { type: "string", pattern: "^[\\x21-\\x7e]{1,200}$" },
};

function errorReply(status: number): Record<string, unknown> {
  const reply: Record<string, unknown> = {
    description: ERROR_WORDS[status] ?? "Error",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  };
  if (status === 429)
    reply.headers = { "Retry-After": { description: "Seconds until an attempt may succeed", schema: { type: "integer", minimum: 1 } } };
  return reply;
}

function successReply(status: number, reply: Operation["replies"][number]): Record<string, unknown> {
  const { schema, description } =
    typeof reply === "object" && "description" in reply && "schema" in reply ? reply : { schema: reply, description: undefined };
  if (schema === "empty") return { description: description ?? (status === 204 ? "Done; no body" : "No content") };
  if (schema === "websocket") return { description: description ?? "Switching protocols: a WebSocket" };
  if (schema === "bytes") {
    return {
      description: description ?? "The bytes exactly as uploaded",
      headers: {
        ETag: { description: '`"<sha256>"` of the bytes', schema: { type: "string" } },
        "Content-Length": { schema: { type: "integer" } },
      },
      content: { "application/octet-stream": { schema: BYTES } },
    };
  }
  const content: Record<string, unknown> = { "application/json": { schema: ref(schema) } };
  // The same codes as a spreadsheet, when asked for with Accept: text/csv.
  if (schema === s.CreatedCodes)
    content["text/csv"] = { schema: { type: "string", description: "Header row `code,role,expires_at,label`, one row per code" } };
  return { description: description ?? "Success", content };
}

const SECURITY: Record<Auth, unknown[]> = {
  none: [],
  user: [{ sessionCookie: [] }, { apiToken: [] }],
  agent: [{ agentToken: [] }],
};

function pathParams(path: string): Record<string, unknown>[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map(([, name = ""]) => ({
    name,
    in: "path",
    required: true,
    description:
      name === "path"
        ? "The file's path: 1–1,024 bytes of UTF-8, segments separated by `/` (each percent-encoded), none empty, `.` or `..`"
        : name === "n"
          ? "The part number, 1-based"
          : `The ${name.replace(/Id$/, "")} id`,
    schema: name === "n" ? { type: "integer", minimum: 1 } : { type: "string" },
  }));
}

function operation(method: string, path: string, op: Operation): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, reply] of Object.entries(op.replies)) responses[status] = successReply(Number(status), reply);
  for (const status of op.errors) responses[String(status)] = errorReply(status);
  const keyed = KEYED.has(`${method.toUpperCase()} ${path}`);
  if (keyed && !responses["409"]) responses["409"] = errorReply(409);
  // Any operation may fail on our side; that answer has the same error body.
  responses["500"] = errorReply(500);
  const parameters = [
    ...pathParams(path),
    ...(op.query ?? []).map((param) => ({ ...param, in: "query", required: false })),
    ...(keyed ? [IDEMPOTENCY_KEY] : []),
  ];
  const result: Record<string, unknown> = {
    operationId: operationId(method, path),
    summary: op.summary,
    tags: [tagOf(path)],
    security: SECURITY[op.auth],
    responses,
  };
  if (op.description) result.description = op.description;
  if (parameters.length > 0) result.parameters = parameters;
  if (op.body === "bytes") {
    result.requestBody = {
      required: true,
      description: "The raw bytes, with Content-Length",
      content: { "application/octet-stream": { schema: BYTES } },
    };
  } else if (op.body) {
    result.requestBody = { required: !op.bodyOptional, content: { "application/json": { schema: ref(op.body) } } };
  }
  return result;
}

function operationId(method: string, path: string): string {
  const words = path
    .replace(/^\/api\//, "")
    .split(/[/.-]/)
    .filter(Boolean)
    .map((word) => (word.startsWith("{") ? `by ${word.slice(1, -1)}` : word));
  return [method, ...words.flatMap((word) => word.split(" "))]
    .map((word, index) => (index === 0 ? word : word[0]!.toUpperCase() + word.slice(1)))
    .join("");
}

/** The resource a path is about: `/api/orgs/{orgId}/machines/…` → machines; the org itself, transfer and leave → orgs. */
function tagOf(path: string): string {
  const inOrg = /^\/api\/orgs\/\{orgId\}\/([a-z-]+)/.exec(path)?.[1];
  if (inOrg) return inOrg === "transfer" || inOrg === "leave" ? "orgs" : inOrg;
  return /^\/api\/([a-z-]+)/.exec(path)?.[1] ?? "api";
}

const q = (name: string, description: string, schema: Record<string, unknown>): Param => ({ name, description, schema });
const CURSOR = q("cursor", "The nextCursor of the previous page; empty or absent for the first", { type: "string" });
const limit = (max: number, fallback: number) =>
  q("limit", `1–${max} (default ${fallback})`, { type: "integer", minimum: 1, maximum: max, default: fallback });
const ORG = [401, 404];
const BODY = [400, 413];

const FILE_PATH = "/api/orgs/{orgId}/volumes/{id}/files/{path}";
const UPLOAD = "/api/orgs/{orgId}/volumes/{id}/uploads/{uploadId}";

/** Every path of CONTRACT.md, by path then method. */
const PATHS: Record<string, Record<string, Operation>> = {
  "/api/auth/sign-up/email": {
    post: {
      summary: "Sign up; sets the session cookie",
      auth: "none",
      body: signUpSchema,
      replies: { 201: s.UserBody },
      errors: [...BODY, 403, 409, 429],
    },
  },
  "/api/auth/sign-in/email": {
    post: {
      summary: "Sign in; sets the session cookie",
      auth: "none",
      body: signInSchema,
      replies: { 200: s.UserBody },
      errors: [...BODY, 401, 403, 429],
    },
  },
  "/api/auth/sign-out": {
    post: {
      summary: "End the session server-side",
      auth: "user",
      body: z.strictObject({}),
      bodyOptional: true,
      replies: { 200: s.SignOutBody },
      errors: [...BODY, 401, 403],
    },
  },
  "/api/me": { get: { summary: "Who is asking, with their org and role", auth: "user", replies: { 200: s.Me }, errors: [401] } },
  "/api/tokens": {
    post: {
      summary: "Make an API token (shown this once)",
      auth: "user",
      body: tokenNameSchema,
      replies: { 201: s.NewToken },
      errors: [...BODY, 401, 403],
    },
    get: { summary: "The caller's API tokens (never the secret)", auth: "user", replies: { 200: s.TokenList }, errors: [401] },
  },
  "/api/tokens/{id}": { delete: { summary: "Revoke a token at once", auth: "user", replies: { 204: "empty" }, errors: [401, 403, 404] } },

  "/api/orgs": {
    post: {
      summary: "Create an org; the caller is its Owner",
      auth: "user",
      body: createOrgSchema,
      replies: { 201: s.OrgBody },
      errors: [...BODY, 401, 403, 409],
    },
  },
  "/api/orgs/{orgId}": {
    get: { summary: "The org, the caller's role and its leadership", auth: "user", replies: { 200: s.OrgView }, errors: ORG },
    patch: {
      summary: "Edit the profile (Admin, Owner)",
      auth: "user",
      body: profilePatchSchema,
      replies: { 200: s.OrgBody },
      errors: [...BODY, ...ORG, 403],
    },
  },
  "/api/orgs/{orgId}/members": {
    get: { summary: "Every member with their machines", auth: "user", replies: { 200: s.MemberList }, errors: ORG },
  },
  "/api/orgs/{orgId}/members/{userId}/role": {
    put: {
      summary: "Change a member's role (Owner)",
      auth: "user",
      body: roleChangeSchema,
      replies: { 200: s.MemberBody },
      errors: [...BODY, ...ORG, 403, 409],
    },
  },
  "/api/orgs/{orgId}/members/{userId}": {
    delete: {
      summary: "Remove a member; their volumes and projects become the Owner's",
      auth: "user",
      replies: { 204: "empty" },
      errors: [...ORG, 403, 409],
    },
  },
  "/api/orgs/{orgId}/transfer": {
    post: {
      summary: "Transfer ownership to an Admin (typed confirmations)",
      auth: "user",
      body: transferSchema,
      replies: { 200: s.OrgView },
      errors: [...BODY, ...ORG, 403, 409],
    },
  },
  "/api/orgs/{orgId}/leave": {
    post: {
      summary: "Leave the org (Admin, User)",
      auth: "user",
      body: z.strictObject({}),
      bodyOptional: true,
      replies: { 200: s.LeftBody },
      errors: [...BODY, ...ORG, 403, 409],
    },
  },
  "/api/orgs/{orgId}/events": {
    get: {
      summary: "The audit log, newest first (Admin, Owner)",
      auth: "user",
      query: [CURSOR, limit(100, 50)],
      replies: { 200: s.EventList },
      errors: [400, ...ORG, 403],
    },
  },
  "/api/orgs/{orgId}/join-codes": {
    post: {
      summary: "Make join codes or an admin invite; `Accept: text/csv` answers a CSV file",
      auth: "user",
      body: createCodesSchema,
      bodyOptional: true,
      replies: {
        201: {
          description:
            "The codes, shown this once (as JSON, or with `Accept: text/csv` a CSV attachment with header row `code,role,expires_at,label`)",
          schema: s.CreatedCodes,
        },
      },
      errors: [...BODY, ...ORG, 403],
    },
    get: {
      summary: "Live codes, or with ?status=redeemed those redeemed in the last 90 days",
      auth: "user",
      query: [
        q("status", "`redeemed` for the codes redeemed lately; absent (or `live`) for live codes", {
          type: "string",
          enum: ["live", "redeemed"],
        }),
      ],
      replies: {
        200: { description: "Live codes, or redeemed codes with ?status=redeemed", schema: z.union([s.LiveCodes, s.RedeemedCodes]) },
      },
      errors: [400, ...ORG, 403],
    },
  },
  "/api/orgs/{orgId}/join-codes/{codeId}": {
    delete: { summary: "Revoke a code", auth: "user", replies: { 204: "empty" }, errors: [...ORG, 403] },
  },
  "/api/join": {
    post: {
      summary: "Join an org with a code",
      auth: "user",
      body: redeemCodeSchema,
      replies: { 200: s.Joined },
      errors: [...BODY, 401, 403, 404, 409, 429],
    },
  },

  "/api/orgs/{orgId}/machines": {
    post: {
      summary: "Register a machine; its agent token is shown this once",
      auth: "user",
      body: COMPONENTS.CreateMachineRequest,
      replies: { 201: s.NewMachine },
      errors: [...BODY, ...ORG, 403],
    },
    get: { summary: "The org's machines (never a token)", auth: "user", replies: { 200: s.MachineList }, errors: ORG },
  },
  "/api/orgs/{orgId}/machines/{id}": {
    patch: {
      summary: "Rename or share one's own machine",
      auth: "user",
      body: s.requests.machinePatch,
      replies: { 200: s.MachineBody },
      errors: [...BODY, ...ORG, 403],
    },
    delete: {
      summary: "Deregister one's own machine; a job running on it goes back to the queue",
      auth: "user",
      replies: { 204: "empty" },
      errors: [...ORG, 403],
    },
  },
  "/api/orgs/{orgId}/machines/{id}/agent-token": {
    post: {
      summary: "A new agent token; the old one stops working at once",
      auth: "user",
      body: z.strictObject({}),
      bodyOptional: true,
      replies: { 201: s.AgentTokenBody },
      errors: [...BODY, ...ORG, 403],
    },
  },
  "/api/orgs/{orgId}/volumes": {
    post: { summary: "Create a volume", auth: "user", body: volumeSchema, replies: { 201: s.VolumeBody }, errors: [...BODY, ...ORG, 403] },
    get: {
      summary: "The caller's volumes; ?all=1 every volume of the org (Admin, Owner)",
      auth: "user",
      query: [q("all", "`1` for every volume of the org (Admin, Owner)", { type: "string", enum: ["1"] })],
      replies: { 200: s.VolumeList },
      errors: [400, ...ORG, 403],
    },
  },
  "/api/orgs/{orgId}/volumes/{id}": {
    delete: {
      summary: "Delete one's own volume with its files and uploads",
      auth: "user",
      replies: { 204: "empty" },
      errors: [...ORG, 403],
    },
  },

  "/api/orgs/{orgId}/projects": {
    post: {
      summary: "Create a project",
      auth: "user",
      body: s.requests.project,
      replies: { 201: s.ProjectBody },
      errors: [...BODY, ...ORG, 403, 409],
    },
    get: { summary: "Every project of the org", auth: "user", replies: { 200: s.ProjectList }, errors: ORG },
  },
  "/api/orgs/{orgId}/projects/{id}": {
    get: { summary: "One project", auth: "user", replies: { 200: s.ProjectBody }, errors: ORG },
    delete: {
      summary: "Delete one's own project; its queued jobs are cancelled",
      auth: "user",
      replies: { 204: "empty" },
      errors: [...ORG, 403],
    },
  },
  "/api/orgs/{orgId}/projects/{id}/archive": {
    put: {
      summary: "Upload the project's archive (up to 100 MiB); an optional Content-Digest must match",
      auth: "user",
      body: "bytes",
      replies: { 200: s.ProjectBody },
      errors: [400, ...ORG, 403, 411, 413],
    },
    get: { summary: "The archive's bytes", auth: "user", replies: { 200: "bytes" }, errors: ORG },
  },
  "/api/orgs/{orgId}/volumes/{id}/files": {
    get: {
      summary: "The volume's files, ordered by path",
      auth: "user",
      query: [q("prefix", "A plain string prefix of the path", { type: "string" }), CURSOR, limit(1000, 1000)],
      replies: { 200: s.FileList },
      errors: [400, ...ORG, 403],
    },
  },
  [FILE_PATH]: {
    put: {
      summary: "Write a file (up to 100 MiB; larger files use an upload)",
      auth: "user",
      body: "bytes",
      replies: { 200: { description: "Replaced", schema: s.FileBody }, 201: { description: "Created", schema: s.FileBody } },
      errors: [400, ...ORG, 403, 409, 411, 413],
    },
    get: { summary: "A file's bytes", auth: "user", replies: { 200: "bytes" }, errors: [400, ...ORG, 403] },
    delete: { summary: "Delete a file", auth: "user", replies: { 204: "empty" }, errors: [400, ...ORG, 403] },
  },
  "/api/orgs/{orgId}/volumes/{id}/uploads": {
    post: {
      summary: "Start a resumable upload of a large file",
      auth: "user",
      body: s.requests.upload,
      replies: { 201: s.UploadBody },
      errors: [...BODY, ...ORG, 403, 409],
    },
  },
  [UPLOAD]: {
    get: { summary: "An upload and the parts it has, to resume", auth: "user", replies: { 200: s.UploadState }, errors: [...ORG, 403] },
    delete: { summary: "Abandon an upload; its parts are dropped", auth: "user", replies: { 204: "empty" }, errors: [...ORG, 403] },
  },
  [`${UPLOAD}/parts/{n}`]: {
    put: {
      summary: "Send (or resend) part n; every part is partSize bytes but the last",
      auth: "user",
      body: "bytes",
      replies: { 200: s.PartBody },
      errors: [400, ...ORG, 403, 411, 413],
    },
  },
  [`${UPLOAD}/complete`]: {
    post: {
      summary: "Complete the upload once every part is there",
      auth: "user",
      body: z.strictObject({}),
      bodyOptional: true,
      replies: { 200: s.FileBody },
      errors: [...BODY, ...ORG, 403, 409],
    },
  },

  "/api/orgs/{orgId}/jobs": {
    post: { summary: "Queue a job", auth: "user", body: s.requests.job, replies: { 201: s.JobBody }, errors: [...BODY, ...ORG, 403, 409] },
    get: {
      summary: "The org's jobs, newest first",
      auth: "user",
      query: [
        q("state", "Only jobs in this state", { type: "string", enum: ["queued", "running", "succeeded", "failed", "cancelled"] }),
        q("mine", "`1` for the caller's own jobs only", { type: "string", enum: ["1"] }),
        CURSOR,
        limit(100, 50),
      ],
      replies: { 200: s.JobList },
      errors: [400, ...ORG],
    },
  },
  "/api/orgs/{orgId}/jobs/{id}": { get: { summary: "One job", auth: "user", replies: { 200: s.JobBody }, errors: ORG } },
  "/api/orgs/{orgId}/jobs/{id}/logs": {
    get: {
      summary: "A job's log, oldest first (submitter, Admins, Owner)",
      auth: "user",
      query: [CURSOR],
      replies: { 200: s.JobLogs },
      errors: [400, ...ORG, 403],
    },
  },
  "/api/orgs/{orgId}/jobs/{id}/cancel": {
    post: {
      summary: "Cancel one's own job",
      auth: "user",
      body: z.strictObject({}),
      bodyOptional: true,
      replies: { 200: s.JobBody },
      errors: [...BODY, ...ORG, 403, 409],
    },
  },

  "/api/agent/claim": {
    post: {
      summary: "Claim the oldest queued job this machine may run",
      description:
        "With `?wait=N` (0–25 s) an idle claim is held until a job this machine may run is queued, or N seconds pass (then 204): the agent's long poll.",
      auth: "agent",
      query: [
        q("wait", "Seconds (0–25, default 0) to hold the claim for a job to be queued", {
          type: "integer",
          minimum: 0,
          maximum: 25,
          default: 0,
        }),
      ],
      body: z.strictObject({}),
      bodyOptional: true,
      replies: { 200: s.Claim, 204: { description: "No job to run", schema: "empty" } },
      errors: [...BODY, 401],
    },
  },
  "/api/agent/jobs/{jobId}/heartbeat": {
    post: {
      summary: "Extend the lease by 60 s",
      auth: "agent",
      body: s.requests.lease,
      replies: { 200: s.Heartbeat },
      errors: [...BODY, 401, 404, 409],
    },
  },
  "/api/agent/jobs/{jobId}/logs": {
    post: {
      summary: "Append log lines (≤ 1,000)",
      auth: "agent",
      body: s.requests.logs,
      replies: { 204: "empty" },
      errors: [...BODY, 401, 404, 409],
    },
  },
  "/api/agent/jobs/{jobId}/finish": {
    post: {
      summary: "Report the end of the job",
      auth: "agent",
      body: s.requests.finish,
      replies: { 200: s.JobBody },
      errors: [...BODY, 401, 404, 409],
    },
  },
  "/api/agent/jobs/{jobId}/archive": {
    get: { summary: "The job's archive bytes (while leased)", auth: "agent", replies: { 200: "bytes" }, errors: [401, 404, 409] },
  },
  "/api/agent/jobs/{jobId}/volumes/{volumeId}/files": {
    get: {
      summary: "The files of one of the job's volumes (while leased)",
      auth: "agent",
      query: [q("prefix", "A plain string prefix of the path", { type: "string" }), CURSOR, limit(1000, 1000)],
      replies: { 200: s.FileList },
      errors: [400, 401, 404, 409],
    },
  },
  "/api/agent/jobs/{jobId}/volumes/{volumeId}/files/{path}": {
    get: {
      summary: "A file of one of the job's volumes (while leased)",
      auth: "agent",
      replies: { 200: "bytes" },
      errors: [400, 401, 404, 409],
    },
    put: {
      summary: "Write a result or checkpoint into one of the job's volumes (while leased)",
      auth: "agent",
      body: "bytes",
      replies: { 200: { description: "Replaced", schema: s.FileBody }, 201: { description: "Created", schema: s.FileBody } },
      errors: [400, 401, 404, 409, 411, 413],
    },
  },

  "/api/orgs/{orgId}/live": {
    get: {
      summary: 'Live updates: a WebSocket of `{ type: "changed", topics, at }` messages',
      description:
        "Send `Upgrade: websocket`. The socket answers `ping` with `pong`; it closes with 4001 when the member leaves or is removed, 4003 when an Admin is demoted.",
      auth: "user",
      replies: { 101: "websocket" },
      errors: [400, 401, 403, 404, 426],
    },
  },

  "/api/device/code": {
    post: {
      summary: "Start a device login (RFC 8628)",
      auth: "none",
      body: deviceCodeRequestSchema,
      bodyOptional: true,
      replies: { 200: s.DeviceCodeGrant },
      errors: BODY,
    },
  },
  "/api/device/token": {
    post: {
      summary: "Poll a device login: the token once approved, and only once",
      description:
        "400 with `authorization_pending`, `slow_down` (add 5 s to the interval), `access_denied` or `expired_token` until then.",
      auth: "none",
      body: deviceTokenRequestSchema,
      replies: { 200: s.DeviceToken },
      errors: BODY,
    },
  },
  "/api/device/approve": {
    post: {
      summary: "Approve a device login by its user code",
      auth: "user",
      body: userCodeRequestSchema,
      replies: { 200: s.DeviceDecision },
      errors: [...BODY, 401, 403, 404, 429],
    },
  },
  "/api/device/deny": {
    post: {
      summary: "Deny a device login by its user code",
      auth: "user",
      body: userCodeRequestSchema,
      replies: { 200: s.DeviceDecision },
      errors: [...BODY, 401, 403, 404, 429],
    },
  },
  "/api/openapi.json": { get: { summary: "This document", auth: "none", replies: { 200: s.OpenApiDocument }, errors: [] } },
};

export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, methods] of Object.entries(PATHS)) {
    paths[path] = {};
    for (const [method, op] of Object.entries(methods)) paths[path]![method] = operation(method, path, op);
  }
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Cohort API",
      version: "1.0.0",
      description:
        "The public HTTP API of Cohort: JSON in, JSON out, camelCase fields, ISO-8601 UTC times. Every error is `{ error: { code, message } }` with an honest status.",
    },
    servers: [{ url: "/" }],
    tags: [...new Set(Object.keys(PATHS).map(tagOf))].map((name) => ({ name })),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(COMPONENTS).map(([name, schema]) => [name, jsonSchema(schema)])),
      securitySchemes: {
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "__Secure-cohort.session_token",
          description:
            "The session cookie set by sign-up and sign-in (`cohort.session_token` in local development). State changes need an Origin of the app's own.",
        },
        apiToken: { type: "http", scheme: "bearer", description: "An API token (POST /api/tokens or device login)" },
        agentToken: { type: "http", scheme: "bearer", description: "A machine's agent token: opens only /api/agent paths" },
      },
    },
  };
}

let cached: Record<string, unknown> | undefined;

/** Built once per isolate: the document is a pure function of the code. */
export function openApiDocument(): Record<string, unknown> {
  cached ??= buildOpenApiDocument();
  return cached;
}

/** Every path and method the document describes, for tests. */
export const DOCUMENTED = Object.fromEntries(Object.entries(PATHS).map(([path, methods]) => [path, Object.keys(methods)]));
