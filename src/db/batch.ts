import { eq, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { AuditAction } from "../domain/audit";
import type { Db } from "./client";
import { auditEvent, operation } from "./schema";

export type Statement = BatchItem<"sqlite">;

/**
 * A statement that aborts its batch unless `condition` holds when it runs: it inserts a row
 * that batch_guard's CHECK refuses. `reason` names the guard in the error, so a failed batch
 * says which precondition a concurrent writer broke.
 */
export function guard(db: Db, reason: string, condition: SQL): Statement {
  return rawStatement(db, sql`INSERT INTO batch_guard (failed) SELECT ${reason} WHERE NOT (${condition})`);
}

/**
 * A raw SQL statement usable in `db.batch()`. drizzle-orm 0.45's D1 batch binds parameters
 * through a prepared `stmt` that its raw `db.run(sql)` query never gets (it throws "reading
 * 'bind'" for any raw statement with parameters), so we give it one.
 */
export function rawStatement(db: Db, query: SQL): Statement {
  const statement = db.run(query);
  return Object.assign(statement, { stmt: db.$client.prepare(statement.getQuery().sql) });
}

/** True when a D1 error is a batch guard (or other CHECK) refusing the batch. */
export function isGuardFailure(error: unknown): boolean {
  return String(error).includes("CHECK constraint failed");
}

/** True when a D1 error is a UNIQUE or PRIMARY KEY violation on `table.column`. */
export function isUniqueViolation(error: unknown, tableColumn: string): boolean {
  const text = String(error instanceof Error && error.cause ? `${error.message} ${String(error.cause)}` : error);
  return text.includes("UNIQUE constraint failed") && text.includes(tableColumn);
}

export interface AuditEntry {
  id: string;
  orgId: string;
  at: Date;
  action: AuditAction;
  actor: { userId: string; username: string };
  target?: { userId: string; username: string } | undefined;
  details?: Record<string, unknown>;
}

export function insertAudit(db: Db, entry: AuditEntry): Statement {
  return db.insert(auditEvent).values({
    id: entry.id,
    orgId: entry.orgId,
    at: entry.at,
    action: entry.action,
    actorId: entry.actor.userId,
    actorUsername: entry.actor.username,
    targetId: entry.target?.userId ?? null,
    targetUsername: entry.target?.username ?? null,
    details: entry.details ?? {},
  });
}

/** The idempotency record of a command, written in the command's own batch. */
export function insertOperation(db: Db, op: { id: string; orgId: string; fingerprint: string; result: unknown; at: Date }): Statement {
  return db.insert(operation).values(op);
}

export interface StoredOperation {
  orgId: string;
  fingerprint: string;
  result: unknown;
}

export async function findOperation(db: Db, id: string): Promise<StoredOperation | undefined> {
  const [row] = await db
    .select({ orgId: operation.orgId, fingerprint: operation.fingerprint, result: operation.result })
    .from(operation)
    .where(eq(operation.id, id))
    .limit(1);
  return row;
}
