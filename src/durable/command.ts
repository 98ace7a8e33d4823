import type { Db } from "../db/client";
import { findOperation, insertOperation, isGuardFailure, isUniqueViolation, type Statement } from "../db/batch";
import type { ErrorCode } from "../errors";

/** What every org command returns over RPC. Commands throw only for bugs. */
export type CommandResult<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message?: string };

/** A decision made on fresh state: refuse, or the statements to commit and the result to report. */
export type Decision<T> = { ok: false; code: ErrorCode; message?: string } | { ok: true; statements: Statement[]; value: T };

export function refuse(code: ErrorCode, message?: string): { ok: false; code: ErrorCode; message?: string } {
  return message === undefined ? { ok: false, code } : { ok: false, code, message };
}

/**
 * Applies one command exactly once: if `operationId` was already applied, its stored result
 * is returned; else the decision (read alongside that lookup, so `decide` must have no side
 * effects) commits its statements in one batch together with the operation record. The caller runs this inside the org's serial queue.
 *
 * A guard or constraint failure means a writer outside this queue (another org's object, or
 * a bug) changed state between read and write: the batch rolled back whole, and the command
 * is decided again on the new state, once.
 */
export async function applyOnce<T>(
  db: Db,
  op: { id: string; orgId: string; at: Date },
  decide: () => Promise<Decision<T>>,
  mapConstraint: (error: unknown) => ErrorCode | null = () => null,
): Promise<CommandResult<T>> {
  for (let attempt = 0; ; attempt += 1) {
    // In parallel: a decision only reads, so one made for an operation already applied is dropped.
    const [prior, decision] = await Promise.all([findOperation(db, op.id), decide()]);
    if (prior) return prior.result as CommandResult<T>;
    if (!decision.ok) return decision;
    const result: CommandResult<T> = { ok: true, value: decision.value };
    try {
      const batch: [Statement, ...Statement[]] = [insertOperation(db, { ...op, result }), ...decision.statements];
      await db.batch(batch);
      return result;
    } catch (error) {
      const mapped = mapConstraint(error);
      if (mapped) return refuse(mapped);
      // The operation row collided: a concurrent retry of this same command committed first.
      if (isUniqueViolation(error, "operation.id")) continue;
      if (isGuardFailure(error) && attempt === 0) continue;
      throw error;
    }
  }
}
