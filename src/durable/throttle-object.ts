import { DurableObject } from "cloudflare:workers";
import { clock } from "../clock";
import { decideAttempt, type ThrottleDecision, type ThrottleRule } from "../domain/throttle";

interface Attempt {
  at: number;
  ticket: string;
}

type Rule = Pick<ThrottleRule, "limit" | "windowMs">;

/**
 * One exact counter per throttle key (an account, a client address, the global budget),
 * shared by every isolate. It only touches its own synchronous storage, so its input gate
 * never opens mid-method: each call sees and writes the log atomically.
 *
 * An attempt is counted as a failure when it is reserved and forgiven if it succeeds, so
 * a burst of concurrent guesses cannot all slip past the limit before any is recorded.
 */
export class ThrottleObject extends DurableObject<Env> {
  reserve(rule: Rule): ThrottleDecision {
    const now = clock.now();
    const log = this.#liveLog(rule.windowMs, now);
    const decision = decideAttempt(
      log.map((attempt) => attempt.at),
      rule,
      now,
    );
    if (!decision.allowed) return decision;
    const ticket = crypto.randomUUID();
    this.#save([...log, { at: now, ticket }]);
    return { allowed: true, ticket };
  }

  /** Whether the key is over its limit, without counting an attempt. */
  check(rule: Rule): { blocked: boolean; retryAfterSeconds: number } {
    const now = clock.now();
    const decision = decideAttempt(
      this.#liveLog(rule.windowMs, now).map((attempt) => attempt.at),
      rule,
      now,
    );
    return decision.allowed ? { blocked: false, retryAfterSeconds: 0 } : { blocked: true, retryAfterSeconds: decision.retryAfterSeconds };
  }

  /** Counts a failure that was not reserved first. Returns the failures now in the window. */
  record(rule: Rule): number {
    const now = clock.now();
    const log = [...this.#liveLog(rule.windowMs, now), { at: now, ticket: "" }];
    // Only the newest `limit` entries can decide anything; keep the log bounded under attack.
    this.#save(log.slice(-rule.limit));
    return log.length;
  }

  forgive(ticket: string): void {
    const log = this.#read();
    const kept = log.filter((attempt) => attempt.ticket !== ticket);
    if (kept.length !== log.length) this.#save(kept);
  }

  #liveLog(windowMs: number, now: number): Attempt[] {
    return this.#read().filter((attempt) => attempt.at > now - windowMs);
  }

  #read(): Attempt[] {
    return this.ctx.storage.kv.get<Attempt[]>("log") ?? [];
  }

  #save(log: Attempt[]): void {
    this.ctx.storage.kv.put("log", log);
  }
}
