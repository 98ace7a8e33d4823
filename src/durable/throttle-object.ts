import { DurableObject } from "cloudflare:workers";
import { clock } from "../clock";
import { decideAttempt, type ThrottleDecision, type ThrottleRule } from "../domain/throttle";

type Rule = Pick<ThrottleRule, "limit" | "windowMs">;

/** Expired rows of untouched keys removed per call, so a shard's table does not grow forever. */
const SWEEP_ROWS = 8;

/**
 * Exact counters for the keys of one throttle rule that hash to this shard (an account, a
 * client address, the global budget): every key lives in exactly one object, which is shared
 * by every isolate. Each method touches only its own synchronous SQLite storage, so its input
 * gate never opens mid-method: each call sees and writes a key's log atomically.
 *
 * An attempt is counted as a failure when it is reserved and forgiven if it succeeds, so
 * a burst of concurrent guesses cannot all slip past the limit before any is recorded.
 */
export class ThrottleObject extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // A ticket is null for a failure recorded without a reservation.
    ctx.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS attempt (key TEXT NOT NULL, at INTEGER NOT NULL, ticket TEXT);
      CREATE INDEX IF NOT EXISTS attempt_key_at ON attempt (key, at);
      CREATE INDEX IF NOT EXISTS attempt_at ON attempt (at);
    `);
  }

  reserve(key: string, rule: Rule): ThrottleDecision {
    const now = clock.now();
    const decision = decideAttempt(this.#liveLog(key, rule.windowMs, now), rule, now);
    if (!decision.allowed) return decision;
    const ticket = crypto.randomUUID();
    this.ctx.storage.sql.exec("INSERT INTO attempt (key, at, ticket) VALUES (?, ?, ?)", key, now, ticket);
    return { allowed: true, ticket };
  }

  /** Counts a failure that was not reserved first. Returns the failures now in the window. */
  record(key: string, rule: Rule): number {
    const now = clock.now();
    const count = this.#liveLog(key, rule.windowMs, now).length + 1;
    const sql = this.ctx.storage.sql;
    sql.exec("INSERT INTO attempt (key, at, ticket) VALUES (?, ?, NULL)", key, now);
    // Only the newest `limit` entries can decide anything; keep the log bounded under attack.
    sql.exec(
      "DELETE FROM attempt WHERE key = ? AND rowid NOT IN (SELECT rowid FROM attempt WHERE key = ? ORDER BY at DESC, rowid DESC LIMIT ?)",
      key,
      key,
      rule.limit,
    );
    return count;
  }

  /** Reserves of several keys of this object (a budget's share and a key living beside it) in one call, each as `reserve`. */
  reserveMany(entries: { key: string; rule: Rule }[]): ThrottleDecision[] {
    return entries.map(({ key, rule }) => this.reserve(key, rule));
  }

  forgiveMany(entries: { key: string; ticket: string }[]): void {
    for (const { key, ticket } of entries) this.forgive(key, ticket);
  }

  forgive(key: string, ticket: string): void {
    this.ctx.storage.sql.exec("DELETE FROM attempt WHERE key = ? AND ticket = ?", key, ticket);
  }

  /** The key's attempt times still in the window, oldest first, after pruning its expired ones. */
  #liveLog(key: string, windowMs: number, now: number): number[] {
    const sql = this.ctx.storage.sql;
    const horizon = now - windowMs;
    sql.exec("DELETE FROM attempt WHERE rowid IN (SELECT rowid FROM attempt WHERE at <= ? LIMIT ?)", horizon, SWEEP_ROWS);
    const log = sql
      .exec<{ at: number }>("SELECT at FROM attempt WHERE key = ? ORDER BY at, rowid", key)
      .toArray()
      .map((row) => row.at);
    // Usually nothing has expired: the key's own delete only when something did.
    if (log.length === 0 || log[0]! > horizon) return log;
    sql.exec("DELETE FROM attempt WHERE key = ? AND at <= ?", key, horizon);
    return log.filter((at) => at > horizon);
  }
}
