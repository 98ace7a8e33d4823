import { writeFileSync } from "node:fs";
import WebSocket from "ws";

/** One node of a V8 CPU profile (the Chrome DevTools Protocol's `Profiler.Profile`). */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/**
 * A CPU profile of a Worker's isolate (its fetch handler and its Durable Objects; not local
 * D1's or R2's emulation, which run in isolates of their own), recorded through wrangler
 * dev's inspector port with the DevTools protocol while `during` runs.
 */
export async function profileWhile<T>(inspectorPort: number, during: () => Promise<T>): Promise<{ result: T; profile: Profile }> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const target = targets[0];
  if (!target) throw new Error("the inspector lists no Worker");
  // ws, not Node's WebSocket: the inspector wants a local Origin, which Node's cannot send.
  const socket = new WebSocket(target.webSocketDebuggerUrl, { headers: { origin: "http://127.0.0.1" } });
  await new Promise<void>((resolve, reject) => {
    socket.on("open", resolve);
    socket.on("error", reject);
  });
  let next = 0;
  const pending = new Map<number, (value: unknown) => void>();
  socket.on("message", (data) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const send = <R>(method: string, params: object = {}) =>
    new Promise<R>((resolve) => {
      next += 1;
      pending.set(next, resolve as (value: unknown) => void);
      socket.send(JSON.stringify({ id: next, method, params }));
    });
  try {
    await send("Profiler.enable");
    await send("Profiler.setSamplingInterval", { interval: 200 });
    await send("Profiler.start");
    const result = await during();
    const { profile } = await send<{ profile: Profile }>("Profiler.stop");
    return { result, profile };
  } finally {
    socket.close();
  }
}

/** Self time by function (name and place in the bundle), largest first, as a share of all samples. */
export function topSelfTime(profile: Profile, count = 30): string {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id)?.callFrame;
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    if (!frame) return;
    const file = frame.url.split("/").pop() ?? "";
    const key = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
  });
  return [...selfUs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`)
    .join("\n");
}

export function writeProfile(file: string, profile: Profile): void {
  writeFileSync(file, JSON.stringify(profile));
}
