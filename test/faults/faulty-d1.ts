import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";

/**
 * What to do around the next command commit(s): the batch that writes a row to `operation`,
 * which every org command commits with. Reads and other batches pass through untouched.
 */
export interface CommitFault {
  /** Runs before the batch reaches D1; throwing here means D1 never saw it. */
  before?: () => Promise<void> | void;
  /** Runs after D1 committed the batch; throwing here loses the answer, not the write. */
  after?: () => Promise<void> | void;
  /** How many commits to disturb (1 unless told): later ones pass through. */
  times?: number;
}

export interface FaultRecord {
  /** How many commits the fault disturbed so far. */
  disturbed: number;
}

function isCommit(statements: D1PreparedStatement[]): boolean {
  return statements.some((statement) => /insert into "?operation"?/i.test((statement as unknown as { statement: string }).statement));
}

/** The D1 binding with `fault` wrapped around its next command commits. */
export function faultyD1(real: D1Database, fault: CommitFault, record: FaultRecord): D1Database {
  const times = fault.times ?? 1;
  return new Proxy(real, {
    get(target, property) {
      if (property === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          if (!isCommit(statements) || record.disturbed >= times) return target.batch(statements);
          record.disturbed += 1;
          await fault.before?.();
          const results = await target.batch(statements);
          await fault.after?.();
          return results;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Replaces the D1 binding the org's object sees (its current instance only: a reset object
 * starts again with the real binding). The object reads `this.env.DB` on every command.
 */
export async function injectCommitFault(orgId: string, fault: CommitFault): Promise<FaultRecord> {
  const record: FaultRecord = { disturbed: 0 };
  await runInDurableObject(env.ORG.getByName(orgId), (instance) => {
    const object = instance as unknown as { env: Env };
    object.env = Object.create(object.env, { DB: { value: faultyD1(object.env.DB, fault, record) } });
  });
  return record;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A gate the test opens or fails by hand. The test and the object share one isolate but not
 * one I/O context, and workerd crashes when an aborted object is left awaiting a promise of
 * the test's context; so both sides only poll plain flags, each with its own timers.
 */
export function gate() {
  const flags = { reached: false, state: "held" as "held" | "open" | "failed", error: new Error("gate failed") };
  return {
    /** Use as a fault hook: marks the gate reached, then waits for the test. */
    wait: async () => {
      flags.reached = true;
      while (flags.state === "held") await sleep(2);
      if (flags.state === "failed") throw flags.error;
    },
    /** Resolves once a hook has reached the gate. */
    reached: (async () => {
      while (!flags.reached) await sleep(2);
    })(),
    open: () => {
      flags.state = "open";
    },
    fail: (error: Error) => {
      flags.error = error;
      flags.state = "failed";
    },
  };
}
