import { AsyncLocalStorage } from "node:async_hooks";
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Cost } from "./cost";

export type { Cost };

/** One remote call, in the order of events: `start` and `end` are positions in one sequence. */
interface Span {
  binding: string;
  method: string;
  start: number;
  end: number;
  /** The object call this one was made inside, if any. */
  parent?: Span;
  /** An object call whose body (inside the object) has been matched to it. */
  claimed?: boolean;
}

let sequence = 0;
let spans: Span[] = [];
let respondedAt = Number.POSITIVE_INFINITY;
/** Inside an object's method: the call (from the Worker or another object) it is answering. */
const insideCall = new AsyncLocalStorage<Span>();

function openSpan(binding: string, method: string): Span {
  sequence += 1;
  const span: Span = { binding, method, start: sequence, end: Number.POSITIVE_INFINITY, parent: insideCall.getStore() };
  spans.push(span);
  return span;
}

function closeSpan(span: Span): void {
  span.end = sequence += 1;
}

/** Marks the moment the Worker returned its response: calls still in flight then are off its path. */
export function responded(): void {
  respondedAt = sequence += 1;
}

/**
 * The critical path's length in round trips. A call starts at the level its parent started at,
 * or after the latest sibling that had finished before it started (parallel calls share a
 * level); it ends one level after the later of its start and its children's ends.
 */
function criticalDepth(all: Span[]): number {
  const onPath = all.filter((span) => span.end < respondedAt);
  const startLevel = new Map<Span, number>();
  const endLevel = new Map<Span, number>();
  const levelAtStart = (span: Span): number => {
    const known = startLevel.get(span);
    if (known !== undefined) return known;
    let level = span.parent ? levelAtStart(span.parent) : 0;
    for (const other of onPath) {
      if (other.parent === span.parent && other.end < span.start) level = Math.max(level, levelAtEnd(other));
    }
    startLevel.set(span, level);
    return level;
  };
  const levelAtEnd = (span: Span): number => {
    const known = endLevel.get(span);
    if (known !== undefined) return known;
    let level = levelAtStart(span);
    for (const child of onPath) if (child.parent === span) level = Math.max(level, levelAtEnd(child));
    endLevel.set(span, level + 1);
    return level + 1;
  };
  return onPath.filter((span) => !span.parent).reduce((depth, span) => Math.max(depth, levelAtEnd(span)), 0);
}

/**
 * Runs each method of an object class inside the call it answers, so that the calls it makes
 * are known to be its children: the first unclaimed call in flight to that binding and method.
 */
function traceObjectClass(binding: string, objectClass: { prototype: object }): void {
  const proto = objectClass.prototype as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const original = proto[name];
    if (name === "constructor" || typeof original !== "function") continue;
    proto[name] = function (this: unknown, ...args: unknown[]) {
      const caller = spans.find(
        (span) => span.binding === binding && span.method === name && !span.claimed && span.end === Number.POSITIVE_INFINITY,
      );
      if (!caller) return (original as (...a: unknown[]) => unknown).apply(this, args);
      caller.claimed = true;
      return insideCall.run(caller, () => (original as (...a: unknown[]) => unknown).apply(this, args));
    };
  }
}

interface D1Meta {
  rows_read?: number;
  rows_written?: number;
}

function emptyCost(): Cost {
  return {
    d1Queries: 0,
    d1Statements: 0,
    rowsRead: 0,
    rowsWritten: 0,
    doCalls: {},
    doStorageWrites: 0,
    d1Ms: 0,
    doMs: 0,
    totalMs: 0,
    trace: [],
    depth: 0,
    objectCalls: {},
  };
}

let current = emptyCost();

/**
 * Counts every D1 round trip (with the rows D1's result `meta` reports) and every Durable
 * Object call made in this isolate. The Worker and its objects run in the test's isolate, so
 * wrapping the bindings' prototypes sees the app's own calls, the objects' included.
 */
export async function installCounters(objectClasses: Record<string, { prototype: object }>): Promise<void> {
  for (const [binding, objectClass] of Object.entries(objectClasses)) traceObjectClass(binding, objectClass);
  const session = (env.DB as unknown as { alwaysPrimarySession: object }).alwaysPrimarySession;
  const sessionProto = Object.getPrototypeOf(Object.getPrototypeOf(session)) as {
    _send: (endpoint: string, query: string | string[], ...rest: unknown[]) => Promise<unknown>;
  };
  const send = sessionProto._send;
  sessionProto._send = async function (this: unknown, endpoint, query, ...rest) {
    const start = performance.now();
    const span = openSpan("D1", "query");
    let results: unknown;
    try {
      results = await send.call(this, endpoint, query, ...rest);
    } finally {
      closeSpan(span);
    }
    const ms = performance.now() - start;
    current.d1Ms += ms;
    current.d1Queries += 1;
    const sql = (Array.isArray(query) ? query : [query]).map((text) => String(text).slice(0, 60)).join(" | ");
    const entry = { call: `D1 ${Array.isArray(query) ? query.length : 1}`, ms, rowsRead: 0, rowsWritten: 0, sql };
    for (const result of Array.isArray(results) ? results : [results]) {
      const meta = (result as { meta?: D1Meta }).meta ?? {};
      current.d1Statements += 1;
      entry.rowsRead += meta.rows_read ?? 0;
      entry.rowsWritten += meta.rows_written ?? 0;
    }
    current.rowsRead += entry.rowsRead;
    current.rowsWritten += entry.rowsWritten;
    current.trace.push(entry);
    return results;
  };

  // By class name: a service binding answers any property, `idFromName` included.
  const bindings = Object.entries(env).filter(
    ([name, value]) => !name.startsWith("__") && Object.getPrototypeOf(value)?.constructor?.name === "DurableObjectNamespace",
  ) as [string, DurableObjectNamespace][];
  // A Worker without objects (the workerd peer): D1 is all there is to count.
  if (bindings.length === 0) {
    current = emptyCost();
    return;
  }
  const namespaceProto = Object.getPrototypeOf(bindings[0]![1]) as DurableObjectNamespace;
  // The storage classes are shared by every object in the isolate: reach them through one.
  const [, someNamespace] = bindings[0]!;
  await runInDurableObject(someNamespace.getByName("bench-counter-probe"), (_instance, state) => {
    const kvProto = Object.getPrototypeOf(state.storage.kv) as Record<string, (...args: unknown[]) => unknown>;
    for (const method of ["put", "delete"]) {
      const original = kvProto[method]!;
      kvProto[method] = function (this: unknown, ...args: unknown[]) {
        current.doStorageWrites += 1;
        return original.apply(this, args);
      };
    }
    // SQLite-backed objects may write through SQL too: count each statement that changed rows.
    const sqlProto = Object.getPrototypeOf(state.storage.sql) as Record<string, (...args: unknown[]) => unknown>;
    const exec = sqlProto.exec!;
    sqlProto.exec = function (this: unknown, ...args: unknown[]) {
      const cursor = exec.apply(this, args) as SqlStorageCursor<Record<string, SqlStorageValue>>;
      if (cursor.rowsWritten > 0) current.doStorageWrites += 1;
      return cursor;
    };
  });
  current = emptyCost();

  for (const method of ["get", "getByName"] as const) {
    const original = namespaceProto[method] as (...args: unknown[]) => DurableObjectStub;
    (namespaceProto as unknown as Record<string, unknown>)[method] = function (this: DurableObjectNamespace, ...args: unknown[]) {
      const stub = original.apply(this, args);
      const binding = bindings.find(([, namespace]) => namespace === this)?.[0] ?? "unknown";
      const id = method === "getByName" ? this.idFromName(String(args[0])).toString() : String(args[0]);
      return countedStub(stub, binding, `${binding}:${id}`);
    };
  }
}

function countedStub(stub: DurableObjectStub, binding: string, object: string): DurableObjectStub {
  return new Proxy(stub, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof property !== "string" || typeof value !== "function" || property === "then") return value;
      return async (...args: unknown[]) => {
        current.doCalls[binding] = (current.doCalls[binding] ?? 0) + 1;
        current.objectCalls[object] = (current.objectCalls[object] ?? 0) + 1;
        const start = performance.now();
        const span = openSpan(binding, property);
        try {
          // Reflect.apply: an RPC property answers `.apply` as a remote method name.
          return await Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        } finally {
          closeSpan(span);
          const ms = performance.now() - start;
          current.doMs += ms;
          current.trace.push({ call: `${binding}.${property}`, ms });
        }
      };
    },
  });
}

/** Runs one operation and returns what it cost (its waitUntil work included by the caller). */
export async function measure(operation: () => Promise<void>): Promise<Cost> {
  current = emptyCost();
  spans = [];
  respondedAt = Number.POSITIVE_INFINITY;
  const start = performance.now();
  await operation();
  current.totalMs = performance.now() - start;
  current.depth = criticalDepth(spans);
  const cost = current;
  current = emptyCost();
  return cost;
}
