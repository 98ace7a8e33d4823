// @ts-check
import { Command, CommanderError } from "commander";
import { registerAccountCommands } from "./commands/account.js";
import { registerAgentCommand } from "./commands/agent.js";
import { registerCodeCommands } from "./commands/codes.js";
import { registerEventCommand } from "./commands/events.js";
import { registerJobCommands } from "./commands/jobs.js";
import { registerMachineCommands } from "./commands/machines.js";
import { registerMemberCommands } from "./commands/members.js";
import { registerOrgCommands } from "./commands/org.js";
import { registerProjectCommands } from "./commands/projects.js";
import { registerVolumeCommands } from "./commands/volumes.js";
import { CliError, EXIT } from "./errors.js";

export function buildProgram() {
  const program = new Command("cohort")
    .description("Cohort from the command line: your organization, its members, machines, volumes, projects and jobs.")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    // Inherited by every command added below, so wrong usage anywhere ends with exit code 2.
    .exitOverride();
  registerAccountCommands(program);
  registerOrgCommands(program);
  registerMemberCommands(program);
  registerCodeCommands(program);
  registerEventCommand(program);
  registerMachineCommands(program);
  registerVolumeCommands(program);
  registerProjectCommands(program);
  registerJobCommands(program);
  registerAgentCommand(program);
  return program;
}

/**
 * Runs the CLI and answers its exit code.
 * @param {string[]} argv
 */
export async function main(argv) {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with exit code 0; everything else commander refuses is usage.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliError) {
      process.stderr.write(`cohort: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`cohort: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
}
