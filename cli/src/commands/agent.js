// @ts-check
import { readdirSync } from "node:fs";
import { machinesDir, readMachineCredential } from "../config.js";
import { action, common } from "../context.js";
import { CliError, usage } from "../errors.js";
import { runAgent } from "../agent/loop.js";

/** @param {import("commander").Command} program */
export function registerAgentCommand(program) {
  common(program.command("agent"))
    .description("run the agent of a machine registered here: claim jobs, run them, report")
    .option("--machine <id>", "which registered machine (needed when more than one is registered here)")
    .option("--once", "run one job at most, then exit")
    .action(
      action(async (context) => {
        const machineId = context.options.machine ?? onlyMachine(context.env);
        const credential = readMachineCredential(machineId, context.env);
        if (!credential)
          throw new CliError(`No agent token for machine ${machineId} here. Register it with \`cohort machines register NAME\`.`);
        // The agent speaks to the server the machine was registered with, unless told otherwise.
        const url = (context.options.url || context.env.COHORT_URL || credential.url).replace(/\/+$/, "");
        await runAgent({ url, agentToken: credential.agentToken, machineId, once: Boolean(context.options.once), json: context.json });
      }),
    );
}

/** @param {NodeJS.ProcessEnv} env */
function onlyMachine(env) {
  /** @type {string[]} */
  let files = [];
  try {
    files = readdirSync(machinesDir(env)).filter((name) => name.endsWith(".json"));
  } catch {
    // No machines directory yet.
  }
  if (files.length === 1 && files[0]) return files[0].replace(/\.json$/, "");
  if (files.length === 0) throw new CliError("No machine is registered here. Run `cohort machines register NAME` first.");
  throw usage(`More than one machine is registered here: pass --machine ID (${files.map((f) => f.replace(/\.json$/, "")).join(", ")}).`);
}
