import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { runCommand, WRANGLER } from "./processes.ts";

export interface BundleFigures {
  gzipKib: number;
  rawKib: number;
}

/** Active CPU time of `wrangler check startup`'s local profile, or why it could not be had. */
export type StartupFigure = { activeMs: number } | { unavailable: string };

/** Gzip size of what `wrangler deploy --dry-run` would upload (code, not source maps). */
export async function measureBundle(workDir: string, config: string): Promise<BundleFigures> {
  const outDir = join(workDir, "bundle");
  await runCommand(process.execPath, [WRANGLER, "deploy", "--dry-run", "--outdir", outDir, "-c", config], {
    timeoutMs: 180_000,
    cwd: dirname(config),
  });
  let raw = 0;
  let gzip = 0;
  for (const file of readdirSync(outDir)) {
    if (!/\.(m?js|wasm)$/.test(file)) continue;
    const bytes = readFileSync(join(outDir, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { gzipKib: round(gzip / 1024), rawKib: round(raw / 1024) };
}

export async function measureStartup(workDir: string, config: string): Promise<StartupFigure> {
  try {
    const output = await runCommand(
      process.execPath,
      [WRANGLER, "check", "startup", "-c", config, "--outfile", join(workDir, "startup.cpuprofile")],
      { timeoutMs: 180_000, cwd: dirname(config) },
    );
    const active = /Active:\s*([\d.]+)\s*ms/.exec(output);
    return active ? { activeMs: Number(active[1]) } : { unavailable: `no startup figure in: ${output.slice(-300)}` };
  } catch (error) {
    return { unavailable: String(error).slice(0, 300) };
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
