// @ts-check
import { CliError } from "../errors.js";
import { createApi } from "../http.js";
import { note, printJson } from "../output.js";
import { runJob } from "./run-job.js";

/** How long the server holds an idle claim for a job to be queued (POST /api/agent/claim?wait=N). */
const CLAIM_WAIT_SECONDS = 25;
/** The pause after a 204 that came at once (a server without the long poll, or one under way to stop). */
const IDLE_POLL_MS = 5000;

/**
 * The claim loop: one job at a time. A job interrupted by a stop (Ctrl-C, SIGTERM) has its
 * process stopped and is left to its lease: the contract has no call to hand a job back, and
 * `finish` would fail it for a reason that is not its own, so the server re-queues it once the
 * lease runs out (at most 60 s, and it counts as an attempt).
 * @param {{ url: string, agentToken: string, machineId: string, once: boolean, json: boolean }} options
 */
export async function runAgent(options) {
  const api = createApi({ url: options.url, token: options.agentToken });
  let stopping = false;
  let forced = false;
  /** @type {(() => void) | undefined} */
  let wake;
  // The first Ctrl-C (or SIGTERM) is a request to stop: the running job's process gets SIGTERM
  // and its grace period; a second one kills it at once. Either way the agent exits 0.
  const onSignal = () => {
    if (stopping) {
      forced = true;
      if (!options.json) note("Stopping now: killing the job's processes.");
    } else if (!options.json)
      note("Stopping: the agent exits once the job's process (if any) has stopped. Press Ctrl-C again to kill it now.");
    stopping = true;
    wake?.();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  if (!options.json) note(`Agent of machine ${options.machineId} at ${options.url}: waiting for jobs.`);
  try {
    while (!stopping) {
      // A long poll: a job queued meanwhile is answered within about a second. A stop aborts it.
      const aborter = new AbortController();
      wake = () => aborter.abort();
      const asked = Date.now();
      /** @type {Response} */
      let response;
      try {
        response = await api.request("POST", "/api/agent/claim", {
          json: {},
          raw: true,
          query: { wait: options.once ? undefined : CLAIM_WAIT_SECONDS },
          signal: aborter.signal,
        });
      } catch (error) {
        if (stopping) return;
        throw error;
      } finally {
        wake = undefined;
      }
      if (response.status === 204) {
        if (options.once) {
          if (!options.json) note("No job to run.");
          return;
        }
        // Held by the server (a long poll): it ended, or jobs changed (claim again now).
        if (response.headers.get("Cohort-Jobs-Changed") === "1" || Date.now() - asked >= 1000) continue;
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, IDLE_POLL_MS);
          // Woken by a stop: the timer goes too, or it would hold the process for up to 5 s.
          wake = () => {
            clearTimeout(timer);
            resolve(undefined);
          };
        });
        wake = undefined;
        continue;
      }
      const claim = await response.json();
      if (stopping) {
        note(`Job ${claim.job.id} was claimed as the agent stopped; it goes back to the queue when its lease runs out.`);
        return;
      }
      if (!options.json) note(`Running job ${claim.job.id}: ${JSON.stringify(claim.job.command)}`);
      const result = await runJob(api, claim, { isStopping: () => stopping, isForced: () => forced });
      if (result.finished) {
        if (options.json) printJson(result.finished);
        else note(`Job ${claim.job.id} ${result.finished.job?.state ?? "finished"} (exit code ${result.exitCode ?? "none"}).`);
      } else {
        note(`Job ${claim.job.id} was not finished here: ${result.reason}.`);
      }
      if (options.once) return;
    }
  } catch (error) {
    if (error instanceof CliError && error.status === 401) {
      throw new CliError("The machine's agent token was refused: the machine was removed or its token replaced. Register it again.", {
        exitCode: 4,
      });
    }
    throw error;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
