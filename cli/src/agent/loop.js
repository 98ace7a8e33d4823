// @ts-check
import { CliError } from "../errors.js";

/**
 * @param {{ url: string, agentToken: string, machineId: string, once: boolean, json: boolean }} options
 */
export async function runAgent(options) {
  throw new CliError(`The agent is not built yet (machine ${options.machineId}).`);
}
