import { AsyncLocalStorage } from "node:async_hooks";

/** What a request waits on, as Server-Timing names it: D1, the org objects, the throttle objects. */
export type Waited = "d1" | "org" | "throttle";

type Tally = Record<Waited, { ms: number; calls: number }>;

const current = new AsyncLocalStorage<Tally>();

/** Runs one request with its own tally; everything it awaits inside is counted there. */
export function withTiming<T>(run: () => Promise<T>): Promise<T> {
  return current.run({ d1: { ms: 0, calls: 0 }, org: { ms: 0, calls: 0 }, throttle: { ms: 0, calls: 0 } }, run);
}

/** Times one remote call into the current request's tally (a no-op outside a request, e.g. in an object). */
export async function timed<T>(kind: Waited, call: () => Promise<T>): Promise<T> {
  const tally = current.getStore();
  if (!tally) return call();
  const started = performance.now();
  try {
    return await call();
  } finally {
    tally[kind].ms += performance.now() - started;
    tally[kind].calls += 1;
  }
}

/**
 * The Server-Timing metrics beside `app`: the summed time of each kind of wait and how many calls
 * (parallel calls overlap, so the sums may exceed the request's own duration).
 */
export function waitedMetrics(): string[] {
  const tally = current.getStore();
  if (!tally) return [];
  return (Object.keys(tally) as Waited[])
    .filter((kind) => tally[kind].calls > 0)
    .map((kind) => `${kind};dur=${Math.round(tally[kind].ms)};desc="${tally[kind].calls} call${tally[kind].calls === 1 ? "" : "s"}"`);
}

const TIMED_STATEMENT_METHODS = new Set<PropertyKey>(["first", "all", "run", "raw"]);

/**
 * The D1 binding seen through the current request's tally: each query and batch is timed into
 * the request running when it is sent (none outside one, e.g. in an object). The statements a
 * batch receives are unwrapped for the binding.
 */
export function timedD1(d1: D1Database): D1Database {
  const unwrapped = new WeakMap<object, D1PreparedStatement>();
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(statement, {
      get(target, property) {
        if (property === "bind") return (...values: unknown[]) => wrap(target.bind(...values));
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        if (TIMED_STATEMENT_METHODS.has(property)) return (...args: unknown[]) => timed("d1", () => value.apply(target, args));
        return value.bind(target);
      },
    });
    unwrapped.set(proxy, statement);
    return proxy;
  };
  return new Proxy(d1, {
    get(target, property) {
      if (property === "prepare") return (query: string) => wrap(target.prepare(query));
      if (property === "batch") {
        return (statements: D1PreparedStatement[]) =>
          timed("d1", () => target.batch(statements.map((statement) => unwrapped.get(statement) ?? statement)));
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
