import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Run on this same Node (the pinned 24): the bin shim would pick whatever `node` is on PATH.
const WRANGLER = join(process.cwd(), "node_modules/wrangler/bin/wrangler.js");
const READY_TIMEOUT_MS = 90_000;

export interface DevServer {
  baseURL: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

async function waitUntilReady(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`wrangler dev exited with ${server.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${url}/sign-in`)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev did not answer within ${READY_TIMEOUT_MS / 1000} s:\n${log()}`);
}

/**
 * Runs the Worker as `npm start` does, but on a fresh temporary D1 (migrations applied
 * first), a free port and random secrets; `stop()` ends it and deletes the data.
 */
export async function startDevServer(): Promise<DevServer> {
  const persistTo = mkdtempSync(join(tmpdir(), "cohort-e2e-"));
  const env = { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" };
  const migrate = spawnSync(process.execPath, [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], {
    encoding: "utf8",
    env,
  });
  if (migrate.status !== 0) {
    rmSync(persistTo, { recursive: true, force: true });
    throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);
  }

  const port = await freePort();
  const secret = () => randomBytes(32).toString("hex");
  const args = [
    WRANGLER,
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--persist-to",
    persistTo,
    "--show-interactive-dev-session=false",
  ];
  for (const binding of ["ENVIRONMENT:development", `AUTH_SECRET:${secret()}`, `CODE_HASH_SECRET:${secret()}`]) args.push("--var", binding);
  // Its own process group, so stopping it stops workerd too.
  const server = spawn(process.execPath, args, { detached: true, stdio: ["ignore", "pipe", "pipe"], env });
  let output = "";
  server.stdout?.on("data", (chunk) => (output += chunk));
  server.stderr?.on("data", (chunk) => (output += chunk));

  const stop = async () => {
    if (server.pid !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      try {
        process.kill(-server.pid, "SIGTERM");
        await exited;
      } catch {
        // Already gone.
      }
    }
    rmSync(persistTo, { recursive: true, force: true });
  };

  const baseURL = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(baseURL, server, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseURL, stop };
}
