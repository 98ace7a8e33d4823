import { env } from "cloudflare:workers";

interface D1Result {
  meta?: { rows_read?: number };
}

type Send = (this: unknown, endpoint: string, query: string | string[], ...rest: unknown[]) => Promise<D1Result[] | D1Result>;

/**
 * Sums D1's own `meta.rows_read` over every query this isolate sends while `run` runs, the
 * Worker's and the Durable Objects' alike (they share the isolate in tests). It wraps the
 * session class behind every D1 binding, because drizzle reads rows with `raw()`, which
 * drops the meta before our code could see it.
 */
export async function meterD1<T>(run: () => Promise<T>): Promise<{ result: T; rowsRead: number; queries: string[] }> {
  const session = Object.getPrototypeOf(
    Object.getPrototypeOf((env.DB as unknown as { alwaysPrimarySession: object }).alwaysPrimarySession),
  ) as {
    _send: Send;
  };
  const original = session._send;
  let rowsRead = 0;
  const queries: string[] = [];
  session._send = async function (this: unknown, endpoint, query, ...rest) {
    const answer = await original.call(this, endpoint, query, ...rest);
    for (const result of Array.isArray(answer) ? answer : [answer]) rowsRead += result.meta?.rows_read ?? 0;
    queries.push(...(Array.isArray(query) ? query : [query]));
    return answer;
  };
  try {
    const result = await run();
    return { result, rowsRead, queries };
  } finally {
    session._send = original;
  }
}
