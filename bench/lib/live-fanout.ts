import { CohortApi, type Caller } from "./cohort-api.ts";

export interface FanoutFigures {
  sockets: number;
  changes: number;
  /** From sending the change to one socket's message, over every socket of every change. */
  p50_ms: number;
  p99_ms: number;
  /** From sending the change to the last of the sockets' messages, per change. */
  last_p50_ms: number;
  last_p99_ms: number;
  /** The change's own answer, for reference: what the fan-out adds is the difference. */
  answer_p50_ms: number;
  lost: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
}

export const sortNumbers = (values: number[]) => [...values].sort((a, b) => a - b);

/**
 * `sockets` live sockets of the org's members (tokens in turn, each member under the per-member
 * cap) stay open while the Owner makes `changes` profile edits one after another; each edit's
 * `changed` message is timed at every socket, from the moment the edit was sent.
 */
export async function measureFanout(
  origin: string,
  org: { orgId: string; owner: Caller; memberTokens: string[] },
  sockets = 100,
  changes = 30,
): Promise<FanoutFigures> {
  const api = new CohortApi(origin);
  const url = `${origin.replace(/^http/, "ws")}/api/orgs/${org.orgId}/live`;
  let waiting: { sentAt: number; arrivals: number[]; done: () => void } | undefined;
  const open = await Promise.all(
    Array.from(
      { length: sockets },
      (_, i) =>
        new Promise<WebSocket>((resolve, reject) => {
          // Node's WebSocket (undici) takes headers: a bearer token needs no Origin.
          const socket = new WebSocket(url, {
            headers: { authorization: `Bearer ${org.memberTokens[i % org.memberTokens.length]}` },
          } as unknown as string[]);
          socket.onopen = () => resolve(socket);
          socket.onerror = () => reject(new Error(`live socket ${i} did not open`));
          socket.onmessage = (event) => {
            const message = JSON.parse(String(event.data)) as { type: string; topics: string[] };
            if (message.type !== "changed" || !message.topics.includes("org") || !waiting) return;
            waiting.arrivals.push(performance.now() - waiting.sentAt);
            if (waiting.arrivals.length === sockets) waiting.done();
          };
        }),
    ),
  );
  const each: number[] = [];
  const last: number[] = [];
  const answers: number[] = [];
  let lost = 0;
  try {
    for (let i = 0; i < changes; i += 1) {
      const arrivals: number[] = [];
      const allArrived = new Promise<void>((done) => {
        waiting = { sentAt: performance.now(), arrivals, done };
      });
      const sentAt = waiting!.sentAt;
      await api.expect(200, "PATCH", `/api/orgs/${org.orgId}`, { location: `Fan-out ${i}` }, org.owner);
      answers.push(performance.now() - sentAt);
      await Promise.race([allArrived, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      waiting = undefined;
      lost += sockets - arrivals.length;
      each.push(...arrivals);
      if (arrivals.length === sockets) last.push(Math.max(...arrivals));
    }
  } finally {
    for (const socket of open) socket.close();
  }
  const [eachSorted, lastSorted] = [sortNumbers(each), sortNumbers(last)];
  return {
    sockets,
    changes,
    p50_ms: percentile(eachSorted, 50),
    p99_ms: percentile(eachSorted, 99),
    last_p50_ms: percentile(lastSorted, 50),
    last_p99_ms: percentile(lastSorted, 99),
    answer_p50_ms: percentile(sortNumbers(answers), 50),
    lost,
  };
}
