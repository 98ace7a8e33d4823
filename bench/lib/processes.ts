import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createServer } from "node:net";
import { dirname } from "node:path";

export const ROOT = new URL("../..", import.meta.url).pathname;
export const WRANGLER = `${ROOT}node_modules/wrangler/bin/wrangler.js`;

const running = new Set<ChildProcess>();

/** Child environment: wrangler's usage metrics off, so nothing leaves this machine. */
// The pinned Node first on PATH, for any tool that starts `node` itself.
const childEnv = {
  ...process.env,
  PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
  WRANGLER_SEND_METRICS: "false",
  // No fetch of `Request.cf` from the internet: local figures, local traffic only.
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  NO_COLOR: "1",
  FORCE_COLOR: "0",
};

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (address && typeof address !== "string" ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Runs a command to completion and returns its output; throws on a non-zero exit. */
export function runCommand(command: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true, env: childEnv });
    running.add(child);
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = options.timeoutMs ? setTimeout(() => stopProcess(child), options.timeoutMs) : undefined;
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(" ")} exited ${code ?? signal}:\n${output.slice(-3000)}`));
    });
  });
}

/** Starts a long-running process in its own process group, its output sent to a log file. */
export function startProcess(command: string, args: string[], logFile: string, cwd = ROOT): { child: ChildProcess; output: () => string } {
  const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], detached: true, env: childEnv });
  running.add(child);
  child.on("close", () => running.delete(child));
  const log = createWriteStream(logFile);
  let head = "";
  const keep = (chunk: Buffer) => {
    // Only the start-up lines matter to us; the rest goes to the log file.
    if (head.length < 200_000) head += chunk.toString();
    log.write(chunk);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { child, output: () => head };
}

/** Waits until `found` returns a value for the process's output so far. */
export async function waitForOutput<T>(
  started: { child: ChildProcess; output: () => string },
  found: (output: string) => T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = found(started.output());
    if (value !== undefined) return value;
    if (started.child.exitCode !== null) throw new Error(`${what} exited early:\n${started.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not start within ${timeoutMs / 1000} s:\n${started.output().slice(-3000)}`);
}

/** Ends a process we started, and its children, by its process group id. */
export function stopProcess(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // Already gone.
  }
}

export function stopAll(): void {
  for (const child of running) stopProcess(child);
}
