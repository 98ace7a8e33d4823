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

const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  failure (the API refused, or the network failed; the API's message is on standard error)
  2  wrong usage (unknown command or option, missing argument)
  4  not signed in (no token, or the API answered 401): run \`cohort login\`
`;

export function buildProgram() {
  const program = new Command("cohort")
    .description("Cohort from the command line: your organization, its members, machines, volumes, projects and jobs.")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    // Inherited by every command added below, so wrong usage anywhere ends with exit code 2.
    .exitOverride()
    .addHelpText("after", `\n${EXIT_CODES_HELP}\nMore: \`cohort <command> --help\`, \`cohort help exit-codes\`.`);
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
  // A help topic rather than a command: `cohort help exit-codes`.
  if (argv[2] === "help" && argv[3] === "exit-codes") {
    process.stdout.write(EXIT_CODES_HELP);
    return EXIT.ok;
  }
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
