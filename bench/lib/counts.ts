import { ROOT, runCommand } from "./processes.ts";

import type { Cost as OperationCost } from "../counts/cost.ts";

export type { OperationCost };

/**
 * Runs bench/counts (a Vitest file inside workerd that counts D1 rows and Durable Object calls
 * at the bindings) and returns its figures per operation.
 */
export async function measureCounts(): Promise<Record<string, OperationCost>> {
  const output = await runCommand(process.execPath, [`${ROOT}node_modules/vitest/vitest.mjs`, "run", "-c", "bench/counts/vitest.config.ts"], { timeoutMs: 300_000 }).catch(
    (error: Error) => error.message,
  );
  const line = /BENCH_COUNTS (\{.*\})/.exec(output)?.[1];
  if (!line) throw new Error(`the counts run printed no figures:\n${output.slice(-3000)}`);
  if (/\d+ failed/.test(output)) process.stderr.write(`warning: some counts failed:\n${output.slice(-3000)}\n`);
  return JSON.parse(line) as Record<string, OperationCost>;
}
