import { ROOT, runCommand } from "./processes.ts";

import type { Cost as OperationCost } from "../counts/cost.ts";

export type { OperationCost };

async function countsOf(config: string, marker: string): Promise<Record<string, OperationCost>> {
  const output = await runCommand(process.execPath, [`${ROOT}node_modules/vitest/vitest.mjs`, "run", "-c", config], {
    timeoutMs: 300_000,
  }).catch((error: Error) => error.message);
  const line = new RegExp(`${marker} (\\{.*\\})`).exec(output)?.[1];
  if (!line) throw new Error(`the counts run (${config}) printed no figures:\n${output.slice(-3000)}`);
  if (/\d+ failed/.test(output)) process.stderr.write(`warning: some counts failed (${config}):\n${output.slice(-3000)}\n`);
  return JSON.parse(line) as Record<string, OperationCost>;
}

/**
 * Runs bench/counts (Vitest files inside workerd that count D1 rows and Durable Object calls
 * at the bindings): Cohort's operations, then the workerd peer's (`peer_workerd_*`), one after
 * the other so they do not crowd each other.
 */
export async function measureCounts(): Promise<Record<string, OperationCost>> {
  const cohort = await countsOf("bench/counts/vitest.config.ts", "BENCH_COUNTS");
  const peer = await countsOf("bench/counts/peer-workerd.vitest.config.ts", "BENCH_PEER_COUNTS");
  return { ...cohort, ...peer };
}
