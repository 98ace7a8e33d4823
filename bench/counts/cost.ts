// Shared by the counting test inside workerd (counters.ts) and the Node driver (lib/counts.ts).

/** What one operation cost in I/O, counted at the bindings. */
export interface Cost {
  d1Queries: number;
  d1Statements: number;
  rowsRead: number;
  rowsWritten: number;
  doCalls: Record<string, number>;
  /** Writes to Durable Object storage: kv put/delete calls and SQL statements that changed rows. */
  doStorageWrites: number;
  /** Wall time spent awaiting D1 from the Worker and from objects (calls may overlap). */
  d1Ms: number;
  /** Wall time spent awaiting Durable Object calls, the D1 work they do included. */
  doMs: number;
  totalMs: number;
  /** Each call as it finished: "D1 3" (statements, with their rows) or "THROTTLE.reserve", with its wall time. */
  trace: { call: string; ms: number; rowsRead?: number; rowsWritten?: number; sql?: string }[];
  /**
   * Sequential remote round trips (D1 queries, Durable Object calls) on the way to the response:
   * calls in flight together count once (a wave), a call made inside an object's call adds to
   * it, and a call that had not finished when the response was returned (waitUntil) is left out.
   */
  depth: number;
  /** Durable Object calls by object (binding and id), to tell which objects an operation shares. */
  objectCalls: Record<string, number>;
  /**
   * Calls to objects that every measured operation of its kind called (redemptions by different
   * users, from different addresses, into different orgs): a shared hot spot. Set for `redeem`.
   */
  sharedObjectCalls?: number;
}
