// @ts-check
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { createInterface } from "node:readline";
import { extract } from "tar";
import { CliError } from "../errors.js";
import { sha256OfFile } from "../files.js";
import { encodePath } from "../http.js";
import { putFileBytes, saveDownload, SINGLE_PUT_LIMIT } from "../transfer.js";

// Well inside the 60 s lease, and often enough that a cancel stops the job within seconds.
const HEARTBEAT_MS = 5000;
const KILL_AFTER_MS = 10_000;
const LOG_FLUSH_MS = 1000;
const LOG_BATCH = 1000;
const LOG_LINE_CHARS = 16_384;

/**
 * @typedef {{ job: any, lease: { token: string, expiresAt: string }, env: Record<string, string>, volumes: { id: string, name: string }[] }} Claim
 * @typedef {{ finished?: any, exitCode?: number | null, reason?: string }} JobResult
 */

/** @param {Response} response @param {string} path */
async function download(response, path) {
  mkdirSync(dirname(path), { recursive: true });
  await saveDownload(response, path);
}

/**
 * Every file under `root`, as volume paths (`/`-separated, relative to `root`, also in subdirectories).
 * @param {string} root @param {string} [dir] @returns {string[]}
 */
function walk(root, dir = root) {
  /** @type {string[]} */
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(root, full));
    else if (entry.isFile()) out.push(relative(root, full).split(sep).join("/"));
  }
  return out;
}

/**
 * Runs one claimed job: unpacks its archive into a fresh directory, fetches its volumes,
 * runs the argv with its env, streams the log, heartbeats, stops it on cancel or timeout,
 * writes the volumes back and reports the exit code.
 * @param {import("../http.js").Api} api
 * @param {Claim} claim
 * @param {{ isStopping: () => boolean, isForced?: () => boolean }} control
 * @returns {Promise<JobResult>}
 */
export async function runJob(api, claim, control) {
  const { job, lease } = claim;
  const jobPath = `/api/agent/jobs/${encodeURIComponent(job.id)}`;
  const work = mkdtempSync(join(tmpdir(), "cohort-job-"));
  const projectDir = join(work, "project");
  const volumesDir = join(work, "volumes");
  /** @type {{ stream: "stdout" | "stderr", text: string }[]} */
  let pending = [];
  let leaseLost = false;
  const send = async () => {
    while (pending.length > 0 && !leaseLost) {
      const lines = pending.slice(0, LOG_BATCH);
      pending = pending.slice(LOG_BATCH);
      try {
        await api.post(`${jobPath}/logs`, { leaseToken: lease.token, lines });
      } catch (error) {
        if (error instanceof CliError && error.code === "lease_lost") leaseLost = true;
        else throw error;
      }
    }
  };
  /** @param {"stdout" | "stderr"} stream @param {string} text */
  const log = (stream, text) => pending.push({ stream, text: text.slice(0, LOG_LINE_CHARS) });

  try {
    mkdirSync(projectDir);
    const archive = join(work, "archive.tar.gz");
    await download(await api.get(`${jobPath}/archive`, { raw: true, headers: { Accept: "*/*" } }), archive);
    const sha = (await sha256OfFile(archive)).toString("hex");
    if (job.archiveSha256 && sha !== job.archiveSha256)
      throw new CliError(`The archive's sha256 is ${sha}, not the job's ${job.archiveSha256}.`);
    // tar refuses absolute paths and `..` entries unless told otherwise: the archive stays in its directory.
    await extract({ file: archive, cwd: projectDir });
    rmSync(archive);

    /** @type {Map<string, string>} volume-relative path → sha256, as fetched */
    const fetched = new Map();
    for (const volume of claim.volumes) {
      const root = join(volumesDir, volume.name);
      mkdirSync(root, { recursive: true });
      let cursor;
      do {
        const page = await api.get(`${jobPath}/volumes/${encodeURIComponent(volume.id)}/files`, { query: { cursor } });
        for (const file of page.files) {
          await download(
            await api.get(`${jobPath}/volumes/${encodeURIComponent(volume.id)}/files/${encodePath(file.path)}`, {
              raw: true,
              headers: { Accept: "*/*" },
            }),
            join(root, ...file.path.split("/")),
          );
          fetched.set(`${volume.id}/${file.path}`, file.sha256);
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
    mkdirSync(volumesDir, { recursive: true });
    if (control.isStopping())
      return { reason: "the agent was stopped before it started; the job goes back to the queue when its lease runs out" };

    const outcome = await runProcess(job, claim.env, projectDir, volumesDir, log, {
      heartbeat: async () => {
        await send();
        try {
          const beat = await api.post(`${jobPath}/heartbeat`, { leaseToken: lease.token });
          return { cancelRequested: Boolean(beat.cancelRequested) };
        } catch (error) {
          if (error instanceof CliError && error.code === "lease_lost") {
            leaseLost = true;
            return { leaseLost: true };
          }
          throw error;
        }
      },
      flush: send,
      isStopping: control.isStopping,
      isForced: control.isForced,
    });
    await send();
    if (leaseLost) return { reason: "its lease was lost (the server gave it back to the queue or cancelled it)" };
    if (outcome.abandoned)
      return {
        reason: "the agent was stopped, and so was its process; the job goes back to the queue when its lease runs out (at most 60 s)",
      };

    for (const volume of claim.volumes) {
      const root = join(volumesDir, volume.name);
      for (const path of walk(root)) {
        const local = join(root, ...path.split("/"));
        const sha256 = (await sha256OfFile(local)).toString("hex");
        if (fetched.get(`${volume.id}/${path}`) === sha256) continue;
        if (statSync(local).size > SINGLE_PUT_LIMIT) {
          log("stderr", `cohort agent: ${volume.name}/${path} is over 100 MiB and was not written back.`);
          continue;
        }
        await putFileBytes(api, `${jobPath}/volumes/${encodeURIComponent(volume.id)}/files/${encodePath(path)}`, local);
      }
    }
    await send();

    /** @type {{ leaseToken: string, exitCode: number | null, failure?: "timeout" }} */
    const body = { leaseToken: lease.token, exitCode: outcome.exitCode };
    if (outcome.timedOut) body.failure = "timeout";
    return { finished: await api.post(`${jobPath}/finish`, body), exitCode: outcome.exitCode };
  } catch (error) {
    if (error instanceof CliError && error.code === "lease_lost") return { reason: "its lease was lost" };
    // The job cannot run here (a bad archive, a volume that would not download): say why in its log and fail it.
    log("stderr", `cohort agent: ${error instanceof Error ? error.message : String(error)}`);
    await send().catch(() => undefined);
    if (leaseLost) return { reason: "its lease was lost" };
    return { finished: await api.post(`${jobPath}/finish`, { leaseToken: lease.token, exitCode: null }), exitCode: null };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * @param {any} job
 * @param {Record<string, string>} jobEnv
 * @param {string} cwd
 * @param {string} volumesDir
 * @param {(stream: "stdout" | "stderr", text: string) => void} log
 * @param {{ heartbeat: () => Promise<{ cancelRequested?: boolean, leaseLost?: boolean }>, flush: () => Promise<void>, isStopping: () => boolean, isForced?: () => boolean }} hooks
 * @param {{ heartbeatMs?: number, killAfterMs?: number }} [timing] shorter in tests
 * @returns {Promise<{ exitCode: number | null, timedOut: boolean, abandoned: boolean }>}
 */
export function runProcess(job, jobEnv, cwd, volumesDir, log, hooks, timing = {}) {
  return new Promise((resolve) => {
    /** @type {NodeJS.ProcessEnv} */
    const env = {};
    // The job sees the machine's ordinary environment, never the CLI's own credentials.
    for (const [name, value] of Object.entries(process.env)) if (!name.startsWith("COHORT_")) env[name] = value;
    Object.assign(env, jobEnv, { COHORT_VOLUMES: volumesDir, COHORT_JOB_ID: job.id });
    const [program, ...args] = job.command;
    // Its own process group, so stopping it stops everything it started.
    const child = spawn(program, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let timedOut = false;
    let abandoned = false;
    /** @type {NodeJS.Timeout | undefined} */
    let killTimer;
    const signal = (/** @type {NodeJS.Signals} */ name) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, name);
      } catch {
        // Already gone.
      }
    };
    const stop = () => {
      if (killTimer) return;
      signal("SIGTERM");
      killTimer = setTimeout(() => signal("SIGKILL"), timing.killAfterMs ?? KILL_AFTER_MS);
    };
    createInterface({ input: child.stdout }).on("line", (line) => log("stdout", line));
    createInterface({ input: child.stderr }).on("line", (line) => log("stderr", line));

    const started = job.startedAt ? Date.parse(job.startedAt) : Date.now();
    const timeoutMs = Math.max(0, started + job.timeoutSeconds * 1000 - Date.now());
    const timeout = setTimeout(() => {
      timedOut = true;
      log("stderr", `cohort agent: stopping the job after its timeout of ${job.timeoutSeconds} s.`);
      stop();
    }, timeoutMs);
    const flusher = setInterval(() => void hooks.flush().catch(() => undefined), LOG_FLUSH_MS);
    const beater = setInterval(async () => {
      if (hooks.isStopping()) {
        abandoned = true;
        stop();
        return;
      }
      const beat = await hooks.heartbeat().catch(() => /** @type {{ cancelRequested?: boolean, leaseLost?: boolean }} */ ({}));
      if (beat.cancelRequested) {
        log("stderr", "cohort agent: the job was cancelled; stopping it.");
        stop();
      }
      if (beat.leaseLost) stop();
    }, timing.heartbeatMs ?? HEARTBEAT_MS);
    let killed = false;
    const stopWatcher = setInterval(() => {
      if (hooks.isStopping() && !abandoned) {
        abandoned = true;
        stop();
      }
      if (hooks.isForced?.() && !killed) {
        killed = true;
        signal("SIGKILL");
      }
    }, 250);

    let done = false;
    /** @param {number | null} exitCode */
    const end = (exitCode) => {
      if (done) return;
      done = true;
      for (const timer of [timeout, killTimer]) if (timer) clearTimeout(timer);
      for (const timer of [flusher, beater, stopWatcher]) clearInterval(timer);
      resolve({ exitCode, timedOut, abandoned });
    };
    child.once("error", (error) => {
      log("stderr", `cohort agent: cannot start ${program}: ${error.message}`);
      // As a shell answers a command it cannot run.
      end(127);
    });
    child.once("close", (code) => end(code));
  });
}
