import { cpSync, existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./processes.ts";

const APP_FILES = ["src", "public", "migrations", "wrangler.jsonc", "package.json", "tsconfig.json", "worker-configuration.d.ts"];

/**
 * Copies the app's sources into the run's own folder and returns its wrangler config. wrangler
 * dev watches its sources and reloads the Worker on every change, and this tree is shared with
 * people editing it: a snapshot keeps the Worker (and its state) steady for the whole run.
 */
export function snapshotApp(workDir: string): string {
  const dir = join(workDir, "app");
  mkdirSync(dir, { recursive: true });
  for (const entry of APP_FILES) {
    if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return join(dir, "wrangler.jsonc");
}
