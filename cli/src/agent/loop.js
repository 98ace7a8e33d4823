// @ts-check
import { CliError } from "../errors.js";
import { createApi } from "../http.js";
import { note, printJson } from "../output.js";
import { runJob } from "./run-job.js";

const IDLE_POLL_MS = 5000;

/**
 * The claim loop: one job at a time; a job interrupted by this process ending is left to its
 * lease, so the server puts it back in the queue.
 * @param {{ url: string, agentToken: string, machineId: string, once: boolean, json: boolean }} options
 */
export async function runAgent(options) {
  const api = createApi({ url: options.url, token: options.agentToken });
  let stopping = false;
  /** @type {(() => void) | undefined} */
  let wake;
  const onSignal = () => {
    stopping = true;
    wake?.();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  if (!options.json) note(`Agent of machine ${options.machineId} at ${options.url}: waiting for jobs.`);
  try {
    while (!stopping) {
      /** @type {Response} */
      const response = await api.request("POST", "/api/agent/claim", { json: {}, raw: true });
      if (response.status === 204) {
        if (options.once) {
          if (!options.json) note("No job to run.");
          return;
        }
        await new Promise((resolve) => {
          wake = () => resolve(undefined);
          setTimeout(resolve, IDLE_POLL_MS);
        });
        continue;
      }
      const claim = await response.json();
      if (!options.json) note(`Running job ${claim.job.id}: ${JSON.stringify(claim.job.command)}`);
      const result = await runJob(api, claim, { isStopping: () => stopping });
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
      throw new CliError("The machine's agent token was refused: the machine was removed or its token replaced. Register it again.", { exitCode: 4 });
    }
    throw error;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
