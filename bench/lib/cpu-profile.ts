import { writeFileSync } from "node:fs";
import WebSocket from "ws";

/** One node of a V8 CPU profile (the Chrome DevTools Protocol's `Profiler.Profile`). */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; scriptId: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
  /** The bundle's text by script id, to name the source file of each line (esbuild's `// src/…` markers). */
  sources?: Record<string, string>;
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
  const scripts: { scriptId: string; url: string }[] = [];
  socket.on("message", (data) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; method?: string; params?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
    if (message.method === "Debugger.scriptParsed") scripts.push(message.params as { scriptId: string; url: string });
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
    // After the load: the debugger lists the scripts, and the Worker's own names its sources.
    await send("Debugger.enable");
    const sources: Record<string, string> = {};
    for (const { scriptId, url } of scripts) {
      if (!url.endsWith("index.js")) continue;
      sources[scriptId] = (await send<{ scriptSource: string }>("Debugger.getScriptSource", { scriptId })).scriptSource;
    }
    await send("Debugger.disable");
    return { result, profile: { ...profile, sources } };
  } finally {
    socket.close();
  }
}

type Frame = ProfileNode["callFrame"];

/** Self time summed by `keyOf` of each sample's frame, largest first, as shares of all samples. */
function selfTimeBy(profile: Profile, keyOf: (frame: Frame) => string, count: number): string {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id)?.callFrame;
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    if (!frame) return;
    const key = keyOf(frame);
    selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
  });
  return [...selfUs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`)
    .join("\n");
}

/** Self time by function (name and place in the bundle). */
export function topSelfTime(profile: Profile, count = 30): string {
  return selfTimeBy(
    profile,
    (frame) =>
      `${frame.functionName || "(anonymous)"} ${frame.url.split("/").pop() ?? ""}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`,
    count,
  );
}

/** For each script, the source file each line of the unminified bundle came from. */
function sourceFiles(profile: Profile): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const [scriptId, text] of Object.entries(profile.sources ?? {})) {
    let current = "(bundle)";
    files.set(
      scriptId,
      text.split("\n").map((line) => {
        const marker = /^\/\/ (\S+\.[cm]?[jt]sx?)$/.exec(line);
        // A package's files count as the package; the app's by their path.
        if (marker) current = marker[1]!.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, "$1").replace(/^(\.\.\/)+/, "");
        return current;
      }),
    );
  }
  return files;
}

/** Self time by source file of the Worker (packages as one); native and idle time by name. */
export function selfTimeByFile(profile: Profile, count = 25): string {
  const files = sourceFiles(profile);
  return selfTimeBy(profile, (frame) => files.get(frame.scriptId)?.[frame.lineNumber] ?? (frame.url || frame.functionName), count);
}

export function writeProfile(file: string, profile: Profile): void {
  writeFileSync(file, JSON.stringify(profile));
}
