import { DurableObject } from "cloudflare:workers";
import { clock } from "../clock";
import { isUniqueViolation, type Statement } from "../db/batch";
import { loadConfig } from "../config";
import { createDb, type Db } from "../db/client";
import { findMember } from "../db/org-queries";
import {
  CLOSE_REMOVED,
  CLOSE_ROLE_CHANGED,
  LIVE_ORG_HEADER,
  LIVE_USER_HEADER,
  MAX_SOCKETS_PER_MEMBER,
  changedMessage,
  roleTag,
  userTag,
  type LiveEffect,
  type LiveTopic,
  type SocketClosure,
} from "../domain/live";
import { CLAIM_WAIT_MAX_SECONDS } from "../domain/job";
import { AppError, type ErrorCode } from "../errors";
import { applyOnce, operationOf, type CommandInput, type CommandResult, type Decision } from "./command";
import {
  createCodes,
  decideRedeemCode,
  decideRevokeCode,
  type CreateCodesInput,
  type RedeemCodeInput,
  type RevokeCodeInput,
} from "./join-code-commands";
import {
  decideChangeRole,
  decideCreateOrg,
  decideLeave,
  decideRemoveMember,
  decideTransfer,
  decideUpdateProfile,
  type ChangeRoleInput,
  type CreateOrgInput,
  type RemoveMemberInput,
  type TransferInput,
  type UpdateProfileInput,
} from "./membership-commands";
import { decideCreateVolume, decideDeleteVolume, type CreateVolumeInput, type DeleteVolumeInput } from "./volume-commands";
import {
  decideCreateMachine,
  decideDeleteMachine,
  decideRotateAgentToken,
  decideUpdateMachine,
  type CreateMachineInput,
  type DeleteMachineInput,
  type RotateAgentTokenInput,
  type UpdateMachineInput,
} from "./machine-commands";
import {
  decideCreateProject,
  decideDeleteProject,
  decideSetProjectArchive,
  decideStartArchiveUpload,
  type CreateProjectInput,
  type ProjectRefInput,
  type SetProjectArchiveInput,
} from "./project-commands";
import {
  decideCancelUpload,
  decideCommit,
  decideDeleteFile,
  decideRecordPart,
  decideRelease,
  decideReserve,
  type CancelUploadInput,
  type CommitInput,
  type DeleteFileInput,
  type RecordPartInput,
  type ReleaseInput,
  type ReserveInput,
} from "./volume-file-commands";
import { SerialQueue } from "./serial-queue";
import { nextJobDeadline, sweepStatements } from "../db/job-queries";
import {
  decideAppendLogs,
  decideCancelJob,
  decideClaimJob,
  decideFinishJob,
  decideHeartbeat,
  decideSubmitJob,
  type AgentLogsInput,
  type CancelJobInput,
  type ClaimJobInput,
  type FinishJobInput,
  type LeaseInput,
  type SubmitJobInput,
} from "./job-commands";

/** D1 constraints that only another org's writer can trip: answered, not thrown. */
export function mapConstraint(error: unknown): ErrorCode | null {
  // Invariant 2 across orgs: the user joined or created another org meanwhile.
  if (isUniqueViolation(error, "membership.user_id")) return "already_in_org";
  // The one-Owner partial index (on org_id where role = 'owner').
  if (isUniqueViolation(error, "membership.org_id")) return "conflict";
  // Project names are unique in the org (case-insensitively); the queue decides it first.
  if (isUniqueViolation(error, "project.name_key")) return "conflict";
  return null;
}

function errorResponse(error: AppError): Response {
  return Response.json(error.toBody(), { status: error.status });
}

/** A departure ends a membership, moves volumes and deregisters machines; an Admin's changes the leadership. */
const DEPARTURE_TOPICS: LiveTopic[] = ["members", "org", "machines"];

/** How every command is applied: what it tells the open pages, and whether a replay may outlive the actor's membership. */
export type CommandOptions<T> = LiveEffect<T> & { replayAfterDeparture?: boolean; optimistic?: boolean };

/**
 * One object per organization, reached with `env.ORG.getByName(orgId)`. Every mutation of the
 * org runs through its serial queue: read fresh state from D1, decide with domain/ rules,
 * write in one atomic batch with guards. It keeps no state of its own, so it needs no
 * start-up and an eviction loses nothing; D1 (with the operation record) is the truth.
 * Its members' live-update sockets are hibernatable (docs/live-updates.md): the runtime holds
 * them while the object sleeps, so they keep no timer and no memory of their own either.
 */
export class OrgObject extends DurableObject<Env> {
  readonly #queue = new SerialQueue();
  /** Agents long-polling for work (POST /api/agent/claim?wait=N), woken by any change of jobs. */
  protected readonly jobWaiters = new Set<() => void>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  protected serially<T>(task: () => Promise<T>): Promise<T> {
    return this.#queue.run(task);
  }

  /** Read on every command, so a test can wrap the binding to inject faults or gates. */
  protected db(): Db {
    return createDb(this.env.DB);
  }

  /**
   * Every command: in the queue, on fresh state, once per operation id. A replay is answered
   * here from the stored result, after the actor's current membership (see applyOnce).
   */
  protected command<T>(
    input: CommandInput,
    decide: (db: Db, at: Date, attempt: number) => Promise<Decision<T>>,
    options: CommandOptions<T>,
  ): Promise<CommandResult<T>> {
    return this.serially(() => {
      const db = this.db();
      const at = new Date(clock.now());
      return applyOnce(
        db,
        operationOf(input, at, { replayAfterDeparture: options.replayAfterDeparture, optimistic: options.optimistic }),
        (attempt) => decide(db, at, attempt),
        mapConstraint,
        (value) => this.announce(options.topics, options.closes?.(value) ?? [], at),
      );
    });
  }

  // live updates (docs/live-updates.md)

  /**
   * A member's live socket, forwarded by the Worker after it authenticated the caller
   * (src/routes/live.ts). Accepted in the queue on a fresh read of the membership, so a
   * removal committed meanwhile cannot leave a socket of the removed member open.
   */
  override async fetch(request: Request): Promise<Response> {
    const userId = request.headers.get(LIVE_USER_HEADER);
    const orgId = request.headers.get(LIVE_ORG_HEADER);
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket" || !userId || !orgId) return new Response(null, { status: 400 });
    return this.serially(async () => {
      const member = await findMember(this.db(), orgId, userId);
      if (!member) return errorResponse(new AppError("not_found"));
      if (this.ctx.getWebSockets(userTag(userId)).length >= MAX_SOCKETS_PER_MEMBER) {
        return errorResponse(new AppError("rate_limited", `At most ${MAX_SOCKETS_PER_MEMBER} open pages get live updates at once.`));
      }
      const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
      this.ctx.acceptWebSocket(server, [userTag(userId), roleTag(member.role)]);
      return new Response(null, { status: 101, webSocket: client });
    });
  }

  /** Clients only ever send `ping`, which the runtime answers; anything else is ignored. */
  override webSocketMessage(): void {}

  override webSocketClose(ws: WebSocket, code: number): void {
    // Complete the closing handshake; on runtimes that already did, close() throws harmlessly.
    try {
      ws.close(code >= 3000 && code <= 4999 ? code : 1000);
    } catch {
      // already closed
    }
  }

  /**
   * Resolves true when jobs change (a job queued, requeued or freed), false after `ms` (at most
   * the claim's 25 s wait: the timer keeps the object awake only that long). Outside the queue:
   * waiting changes nothing.
   */
  waitForJobs(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.jobWaiters.delete(wake);
        resolve(true);
      };
      const timer = setTimeout(
        () => {
          this.jobWaiters.delete(wake);
          resolve(false);
        },
        Math.max(0, Math.min(ms, CLAIM_WAIT_MAX_SECONDS * 1000)),
      );
      this.jobWaiters.add(wake);
    });
  }

  /** After a commit: close the sockets the change ends, then tell every other socket what changed. */
  protected announce(topics: readonly LiveTopic[], closures: SocketClosure[], at: Date): void {
    if (topics.includes("jobs")) for (const wake of [...this.jobWaiters]) wake();
    if (topics.length === 0 && closures.length === 0) return;
    const closed = new Set<WebSocket>();
    for (const { userId, code } of closures) {
      for (const ws of this.ctx.getWebSockets(userTag(userId))) {
        closed.add(ws);
        try {
          ws.close(code, code === CLOSE_REMOVED ? "no longer a member" : "role changed");
        } catch {
          // already closing
        }
      }
    }
    const message = changedMessage(topics, at);
    for (const ws of this.ctx.getWebSockets()) {
      if (closed.has(ws)) continue;
      try {
        ws.send(message);
      } catch {
        // closing: the client reconnects and refetches anyway
      }
    }
  }

  createOrg(input: CreateOrgInput) {
    return this.command(input, (db, at) => decideCreateOrg(db, input, at), { topics: ["org", "members"] });
  }

  updateProfile(input: UpdateProfileInput) {
    return this.command(input, (db, at) => decideUpdateProfile(db, input, at), { topics: ["org"] });
  }

  changeRole(input: ChangeRoleInput) {
    // The dashboard lists the leadership, so a role change is also an "org" change.
    return this.command(input, (db, at, attempt) => decideChangeRole(db, input, at, attempt), {
      optimistic: input.seen !== undefined,
      topics: ["members", "org"],
      closes: ({ member }) => (input.role === "user" ? [{ userId: member.userId, code: CLOSE_ROLE_CHANGED }] : []),
    });
  }

  removeMember(input: RemoveMemberInput) {
    return this.command(input, (db, at) => decideRemoveMember(db, input, at), {
      topics: DEPARTURE_TOPICS,
      closes: ({ removed }) => [{ userId: removed, code: CLOSE_REMOVED }],
    });
  }

  transferOwnership(input: TransferInput) {
    // The former Owner is now an Admin: their pages reload with that role (docs/live-updates.md).
    return this.command(input, (db, at) => decideTransfer(db, input, at), {
      topics: ["members", "org"],
      closes: ({ previousOwner }) => [{ userId: previousOwner.userId, code: CLOSE_ROLE_CHANGED }],
    });
  }

  leave(input: CommandInput) {
    // The stored answer of one's own departure says nothing about the org: a lost answer stays retryable.
    return this.command(input, (db, at) => decideLeave(db, input, at), {
      replayAfterDeparture: true,
      topics: DEPARTURE_TOPICS,
      closes: ({ left }) => [{ userId: left, code: CLOSE_REMOVED }],
    });
  }

  createVolume(input: CreateVolumeInput) {
    // Volumes are machine resources to the pages: "machines" is the topic of both.
    return this.command(input, (db, at) => decideCreateVolume(db, input, at), { topics: ["machines"] });
  }

  deleteVolume(input: DeleteVolumeInput) {
    return this.command(input, (db) => decideDeleteVolume(db, input), { topics: ["machines"] });
  }

  // volume file commands (src/durable/volume-file-commands.ts); the bytes stream outside, between reserve and commit.
  // A volume's files are private to its owner and on no shared page: they tell no one.
  reserveFileWrite(input: ReserveInput) {
    return this.command(input, (db, at) => decideReserve(db, input, at), { topics: [] });
  }

  commitFileWrite(input: CommitInput) {
    return this.command(input, (db, at) => decideCommit(db, input, at), { topics: [] });
  }

  releaseFileWrite(input: ReleaseInput) {
    return this.command(input, (db) => decideRelease(db, input), { replayAfterDeparture: true, topics: [] });
  }

  cancelUpload(input: CancelUploadInput) {
    return this.command(input, (db, at) => decideCancelUpload(db, input, at), { topics: [] });
  }

  recordUploadPart(input: RecordPartInput) {
    return this.command(input, (db, at) => decideRecordPart(db, input, at), { topics: [] });
  }

  deleteFile(input: DeleteFileInput) {
    return this.command(input, (db) => decideDeleteFile(db, input), { topics: [] });
  }

  // machine commands (src/durable/machine-commands.ts)
  createMachine(input: CreateMachineInput) {
    return this.command(input, (db, at) => decideCreateMachine(db, input, at), { topics: ["machines"] });
  }

  updateMachine(input: UpdateMachineInput) {
    return this.command(input, (db) => decideUpdateMachine(db, input), { topics: ["machines"] });
  }

  rotateAgentToken(input: RotateAgentTokenInput) {
    return this.command(input, (db) => decideRotateAgentToken(db, input), { topics: [] });
  }

  deleteMachine(input: DeleteMachineInput) {
    return this.command(input, (db, at) => decideDeleteMachine(db, input, at), { topics: ["machines", "jobs"] });
  }

  // jobs commands (src/durable/job-commands.ts)
  submitJob(input: SubmitJobInput) {
    return this.command(input, (db, at) => decideSubmitJob(db, input, at, loadConfig(this.env).codeHashSecret), { topics: ["jobs"] });
  }

  cancelJob(input: CancelJobInput) {
    return this.#jobCommand(input, (db, at) => decideCancelJob(db, input, at), ["jobs"]);
  }

  /** Sweeps lapsed leases and timeouts first, so the queue it picks from is exact at this instant. */
  claimJob(input: ClaimJobInput) {
    return this.#jobCommand(input, (db, at) => decideClaimJob(db, input, at), ["jobs"], true);
  }

  heartbeatJob(input: LeaseInput) {
    // Heartbeats and log lines change no state a page lists: they tell no one.
    return this.#jobCommand(input, (db, at) => decideHeartbeat(db, input, at), []);
  }

  appendJobLogs(input: AgentLogsInput) {
    return this.#jobCommand(input, (db, at) => decideAppendLogs(db, input, at), []);
  }

  finishJob(input: FinishJobInput) {
    return this.#jobCommand(input, (db, at) => decideFinishJob(db, input, at), ["jobs"]);
  }

  /** Applies lapsed leases and timeouts now (the alarm's work; tests call it through runInDurableObject). */
  sweepJobs(orgId: string): Promise<void> {
    return this.serially(() => this.#sweep(this.db(), orgId, new Date(clock.now())));
  }

  /** Set at the earliest lease expiry or timeout of the org's running jobs (see #armSweep). */
  override async alarm(): Promise<void> {
    const orgId = await this.ctx.storage.get<string>("orgId");
    if (orgId) await this.sweepJobs(orgId);
  }

  #jobCommand<T>(
    input: CommandInput,
    decide: (db: Db, at: Date) => Promise<Decision<T>>,
    topics: LiveTopic[],
    sweepFirst = false,
  ): Promise<CommandResult<T>> {
    return this.serially(async () => {
      const db = this.db();
      const at = new Date(clock.now());
      if (sweepFirst) await db.batch(sweepStatements(db, input.orgId, at) as [Statement, ...Statement[]]);
      const result = await applyOnce(
        db,
        operationOf(input, at),
        () => decide(db, at),
        mapConstraint,
        () => {
          if (topics.length > 0) this.announce(topics, [], at);
        },
      );
      await this.#armSweep(db, input.orgId);
      return result;
    });
  }

  async #sweep(db: Db, orgId: string, at: Date): Promise<void> {
    await db.batch(sweepStatements(db, orgId, at) as [Statement, ...Statement[]]);
    // A deadline passed: jobs went back to the queue or failed.
    this.announce(["jobs"], [], at);
    await this.#armSweep(db, orgId);
  }

  /** Real, not lazy only: the object wakes at the next deadline even if no agent asks again. */
  async #armSweep(db: Db, orgId: string): Promise<void> {
    const deadline = await nextJobDeadline(db, orgId);
    if (deadline === null) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    await this.ctx.storage.put("orgId", orgId);
    await this.ctx.storage.setAlarm(deadline);
  }

  // join-code commands (src/durable/join-code-commands.ts)
  createCodes(input: CreateCodesInput) {
    return this.serially(async () => {
      const at = new Date(clock.now());
      const result = await createCodes(this.db(), input, at, loadConfig(this.env).codeHashSecret);
      // Only a fresh commit is ok: a replay cannot show its codes again and is refused.
      if (result.ok) this.announce(["codes"], [], at);
      return result;
    });
  }

  revokeCode(input: RevokeCodeInput) {
    return this.command(input, (db, at) => decideRevokeCode(db, input, at), { topics: ["codes"] });
  }

  redeemCode(input: RedeemCodeInput) {
    // Its decision reads nothing (the edge found the code), so it commits without a lookup first.
    return this.command(input, (db, at) => decideRedeemCode(db, input, at), { topics: ["members", "codes", "org"], optimistic: true });
  }

  // project commands (src/durable/project-commands.ts)
  createProject(input: CreateProjectInput) {
    return this.command(input, (db, at) => decideCreateProject(db, input, at), { topics: ["projects"] });
  }

  startArchiveUpload(input: ProjectRefInput) {
    // Records the object to be written; nothing a page shows changes yet.
    return this.command(input, (db, at) => decideStartArchiveUpload(db, input, at), { topics: [] });
  }

  setProjectArchive(input: SetProjectArchiveInput) {
    return this.command(input, (db, at) => decideSetProjectArchive(db, input, at), { topics: ["projects"] });
  }

  deleteProject(input: ProjectRefInput) {
    return this.command(input, (db, at) => decideDeleteProject(db, input, at), { topics: ["projects", "jobs"] });
  }
}
