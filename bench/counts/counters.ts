import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Cost } from "./cost";

export type { Cost };

interface D1Meta {
  rows_read?: number;
  rows_written?: number;
}

function emptyCost(): Cost {
  return { d1Queries: 0, d1Statements: 0, rowsRead: 0, rowsWritten: 0, doCalls: {}, doStorageWrites: 0, d1Ms: 0, doMs: 0, totalMs: 0, trace: [] };
}

let current = emptyCost();

/**
 * Counts every D1 round trip (with the rows D1's result `meta` reports) and every Durable
 * Object call made in this isolate. The Worker and its objects run in the test's isolate, so
 * wrapping the bindings' prototypes sees the app's own calls, the objects' included.
 */
export async function installCounters(): Promise<void> {
  const session = (env.DB as unknown as { alwaysPrimarySession: object }).alwaysPrimarySession;
  const sessionProto = Object.getPrototypeOf(Object.getPrototypeOf(session)) as {
    _send: (endpoint: string, query: string | string[], ...rest: unknown[]) => Promise<unknown>;
  };
  const send = sessionProto._send;
  sessionProto._send = async function (this: unknown, endpoint, query, ...rest) {
    const start = performance.now();
    const results = await send.call(this, endpoint, query, ...rest);
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
      return countedStub(stub, binding);
    };
  }
}

function countedStub(stub: DurableObjectStub, binding: string): DurableObjectStub {
  return new Proxy(stub, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof property !== "string" || typeof value !== "function" || property === "then") return value;
      return async (...args: unknown[]) => {
        current.doCalls[binding] = (current.doCalls[binding] ?? 0) + 1;
        const start = performance.now();
        try {
          // Reflect.apply: an RPC property answers `.apply` as a remote method name.
          return await Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        } finally {
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
  const start = performance.now();
  await operation();
  current.totalMs = performance.now() - start;
  const cost = current;
  current = emptyCost();
  return cost;
}
