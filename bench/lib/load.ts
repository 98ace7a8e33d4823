import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LoadResult, LoadSpec } from "./load-spec.ts";

/** Runs one scenario in a separate Node process and returns its figures. */
export async function load(name: string, spec: LoadSpec, workDir: string): Promise<LoadResult> {
  const specFile = join(workDir, `load-${name}.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  const child = spawn(process.execPath, [new URL("./load-child.ts", import.meta.url).pathname, specFile], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const line = stdout.trim().split("\n").pop() ?? "";
  if (code !== 0 || !line.startsWith("{")) throw new Error(`load ${name} failed (exit ${code}): ${stdout}`);
  return JSON.parse(line) as LoadResult;
}

/**
 * Waits until the server answers a cheap request quickly again: requests a finished load left
 * in flight keep the Worker busy, and must not be charged to the next scenario.
 */
export async function drain(url: string, maxMs = 15_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let quick = 0;
  while (Date.now() < deadline && quick < 3) {
    const start = performance.now();
    await fetch(url).then(
      (response) => response.arrayBuffer(),
      () => undefined,
    );
    quick = performance.now() - start < 100 ? quick + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
