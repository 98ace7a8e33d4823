import type { Db } from "../db/client";
import { findOperation, insertOperation, isGuardFailure, isUniqueViolation, type Statement, type StoredOperation } from "../db/batch";
import { findMember } from "../db/org-queries";
import type { ErrorCode } from "../errors";
import { logOperatorEvent } from "../operator-log";

/** What every org command returns over RPC. Commands throw only for bugs. */
export type CommandResult<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message?: string };

type Refusal = { ok: false; code: ErrorCode; message?: string };

/**
 * A decision made on fresh state: refuse, or the statements to commit and the result to report.
 * A decision that read nothing (its guards check everything in the batch itself) names the
 * refusal its guards' failure means, instead of being decided again.
 */
export type Decision<T> = Refusal | { ok: true; statements: Statement[]; value: T; whenGuardsFail?: Refusal };

export function refuse(code: ErrorCode, message?: string): Refusal {
  return message === undefined ? { ok: false, code } : { ok: false, code, message };
}

/** What every org command carries: its idempotency id, the org, who asks, and the request's fingerprint. */
export interface CommandInput {
  operationId: string;
  orgId: string;
  actorId: string;
  /** See src/routes/idempotency.ts; absent when the caller sent no Idempotency-Key. */
  fingerprint?: string | undefined;
}

/** One application of a command: its idempotency id, the org, who asks, and what request it answers. */
export interface Operation {
  id: string;
  orgId: string;
  actorId: string;
  at: Date;
  /** The request the id stands for (see src/routes/idempotency.ts); "" when the caller sent no key. */
  fingerprint: string;
  /**
   * Whether a replay may be answered to someone no longer a member: only a command whose
   * stored answer is the actor's own departure (it says nothing about the org).
   */
  replayAfterDeparture?: boolean;
  /**
   * The first attempt is decided without reads (on what the edge saw, or on the batch's guards
   * alone) and commits without looking the id up first. A replay is still caught, by its
   * operation row (the batch's first statement) colliding. Such an attempt answers only by
   * committing: a refusal, a no-op or a failed guard is decided again, on fresh reads.
   */
  optimistic?: boolean;
}

export function operationOf(
  input: CommandInput,
  at: Date,
  options: { replayAfterDeparture?: boolean; optimistic?: boolean } = {},
): Operation {
  return { id: input.operationId, orgId: input.orgId, actorId: input.actorId, at, fingerprint: input.fingerprint ?? "", ...options };
}

export const KEY_REUSED = "This Idempotency-Key was already used for a different request.";

/**
 * A replay is authorized like any request, on current membership of the org the operation
 * was applied in, and then answered from the stored result, never from a fresh read.
 */
async function answerReplay<T>(db: Db, op: Operation, prior: StoredOperation): Promise<CommandResult<T>> {
  if (!op.replayAfterDeparture && !(await findMember(db, prior.orgId, op.actorId))) return refuse("not_found");
  if (prior.fingerprint !== op.fingerprint) return refuse("conflict", KEY_REUSED);
  return prior.result as CommandResult<T>;
}

/** The change is committed whatever happens here: a failure to tell the open pages is logged, never answered. */
function tellCommitted(op: Operation, tell: () => void): void {
  try {
    tell();
  } catch (error) {
    logOperatorEvent({ event: "live_notice_failed", orgId: op.orgId, reason: String(error).slice(0, 200) });
  }
}

/**
 * Applies one command exactly once: if `op.id` was already applied, the stored result is
 * returned (see answerReplay); else the decision (read alongside that lookup, so `decide`
 * must have no side effects) commits its statements in one batch together with the
 * operation record. The caller runs this inside the org's serial queue.
 *
 * A guard or constraint failure means a writer outside this queue (another org's object, or
 * a bug) changed state between read and write: the batch rolled back whole, and the command
 * is decided again on the new state, once.
 *
 * `committed` runs once a batch that changed the org committed (not for a replay, a refusal
 * or a decision with nothing to write): the open pages are told from there.
 */
export async function applyOnce<T>(
  db: Db,
  op: Operation,
  decide: (attempt: number) => Promise<Decision<T>>,
  mapConstraint: (error: unknown) => ErrorCode | null = () => null,
  committed: (value: T) => void = () => undefined,
): Promise<CommandResult<T>> {
  // The attempt decided on fresh reads that may be retried once after a failed guard.
  const firstFresh = op.optimistic ? 1 : 0;
  for (let attempt = 0; ; attempt += 1) {
    const blind = attempt < firstFresh;
    // In parallel: a decision only reads, so one made for an operation already applied is dropped.
    const lookup = blind ? Promise.resolve(undefined) : findOperation(db, op.id);
    const [prior, decision] = await Promise.all([lookup, decide(attempt)]);
    if (prior) return answerReplay(db, op, prior);
    // Unlooked-up, a refusal or a no-op could be a replay's: only a commit can tell.
    if (blind && !(decision.ok && decision.statements.length > 0)) continue;
    if (!decision.ok) return decision;
    const result: CommandResult<T> = { ok: true, value: decision.value };
    try {
      const record = { id: op.id, orgId: op.orgId, fingerprint: op.fingerprint, at: op.at, result };
      const batch: [Statement, ...Statement[]] = [insertOperation(db, record), ...decision.statements];
      await db.batch(batch);
      if (decision.statements.length > 0) tellCommitted(op, () => committed(decision.value));
      return result;
    } catch (error) {
      const mapped = mapConstraint(error);
      if (mapped) return refuse(mapped);
      // The operation row collided: a concurrent retry of this same command committed first.
      if (isUniqueViolation(error, "operation.id")) continue;
      if (isGuardFailure(error)) {
        if (decision.whenGuardsFail) return decision.whenGuardsFail;
        // What the edge saw was stale: expected, and decided again on fresh reads.
        if (blind) continue;
        logOperatorEvent({ event: "org_guard_failed", orgId: op.orgId, attempt, reason: String(error).slice(0, 200) });
        if (attempt === firstFresh) continue;
      }
      throw error;
    }
  }
}
