/** One request shape; `items` vary it per request. */
export interface RequestShape {
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** What a load child is told to do (written as JSON, read by `load-child.ts`). */
export interface LoadSpec {
  origin: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  base: RequestShape & { path: string };
  /** Request n uses items[n % length]: distinct members, codes, users... */
  items?: RequestShape[];
  /** True when every item may be used once (fresh codes): reuse is reported as exhaustion. */
  itemsOnce?: boolean;
  /** Request n uses bodies[floor(n / items.length) % length]: promote on one pass, demote on the next. */
  bodiesByPass?: unknown[];
}

export interface LoadResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  requests: number;
  exhausted?: boolean;
  /** Responses by status, when some were not 2xx. */
  statuses?: Record<string, number>;
}
