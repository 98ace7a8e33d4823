import { mkdtempSync } from "node:fs";
import { dirname, join } from "node:path";
import { freePort, runCommand, startProcess, stopProcess, waitForOutput, WRANGLER } from "./processes.ts";

export interface DevWorker {
  /** The Worker's own socket inside workerd, behind wrangler dev's proxy: what we load. */
  url: string;
  /** wrangler dev's proxy, kept for reference. */
  proxyUrl: string;
  persistDir: string;
  config: string;
  /** wrangler dev's inspector (DevTools protocol), for `--profile`. */
  inspectorPort: number;
  /** wrangler dev's own process id (workerd runs as its descendant: lib/process-memory.ts). */
  pid: number;
  stop: () => void;
}

/**
 * Starts a Worker in local workerd with `wrangler dev`, on a fresh persistence directory with
 * its D1 migrations applied. The debug log names the Worker's own socket (`userWorkerUrl`).
 */
export async function startDevWorker(
  name: string,
  config: string,
  workDir: string,
  vars: Record<string, string>,
  extraArgs: string[] = [],
): Promise<DevWorker> {
  const persistDir = mkdtempSync(join(workDir, `${name}-state-`));
  await runCommand(process.execPath, [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir, "-c", config], {
    timeoutMs: 120_000,
    cwd: dirname(config),
  });
  const port = await freePort();
  const inspectorPort = await freePort();
  const varArgs = Object.entries(vars).flatMap(([key, value]) => ["--var", `${key}:${value}`]);
  const started = startProcess(
    process.execPath,
    [
      WRANGLER,
      "dev",
      "-c",
      config,
      "--persist-to",
      persistDir,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--show-interactive-dev-session=false",
      "--log-level",
      "debug",
      ...varArgs,
      ...extraArgs,
    ],
    join(workDir, `${name}-wrangler.log`),
    dirname(config),
  );
  try {
    const userPort = await waitForOutput(
      started,
      (output) => (output.includes("Ready on") ? /"userWorkerUrl":\{[^}]*"port":"(\d+)"/.exec(output)?.[1] : undefined),
      120_000,
      `wrangler dev (${name})`,
    );
    return {
      url: `http://127.0.0.1:${userPort}`,
      proxyUrl: `http://127.0.0.1:${port}`,
      persistDir,
      config,
      inspectorPort,
      pid: started.child.pid!,
      stop: () => stopProcess(started.child),
    };
  } catch (error) {
    stopProcess(started.child);
    throw error;
  }
}

/** Runs SQL against the Worker's local D1 (the same files wrangler dev serves). */
export async function executeSql(worker: DevWorker, file: string): Promise<void> {
  await runCommand(
    process.execPath,
    [WRANGLER, "d1", "execute", "DB", "--local", "--persist-to", worker.persistDir, "-c", worker.config, "--file", file, "--yes"],
    {
      timeoutMs: 300_000,
      cwd: dirname(worker.config),
    },
  );
}
