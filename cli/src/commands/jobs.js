// @ts-check
import { action, common, integer, orgPath, requireOrg } from "../context.js";
import { CliError, usage } from "../errors.js";
import { printJson, printTable, say, when } from "../output.js";
import { byIdOrName, findProject } from "../resolve.js";

const FOLLOW_POLL_MS = 2000;

/** @param {string} value @param {string[]} previous */
const collect = (value, previous) => [...previous, value];

/** @param {import("commander").Command} program */
export function registerJobCommands(program) {
  common(program.command("run"))
    .description("queue a job that runs ARGV in the project's archive; prints the job's id")
    .requiredOption("--project <name>", "the project (name or id)")
    .option("--machine <id>", "pin the job to this machine")
    .option("--volume <name>", "a volume of yours to mount (repeatable)", collect, [])
    .option("--env <K=V>", "an environment variable (repeatable)", collect, [])
    .option("--timeout <seconds>", "stop it after this many seconds (default 86400)")
    .argument("<argv...>", "the command to run, after --")
    .action(action(run));

  const jobs = common(program.command("jobs"))
    .description("the organization's jobs, newest first")
    .option("--mine", "only your own jobs")
    .option("--state <state>", "queued, running, succeeded, failed or cancelled")
    .option("--limit <n>", "how many, 1–100 (default 50)")
    .action(
      action(async (context) => {
        const { options } = context;
        const limit = options.limit === undefined ? undefined : integer(options.limit, "--limit", { min: 1, max: 100 });
        const me = await requireOrg(context);
        const answer = await context.api.get(orgPath(me.org.id, "/jobs"), {
          query: { mine: options.mine ? "1" : undefined, state: options.state, limit },
        });
        if (context.json) return printJson(answer);
        printTable(
          ["ID", "STATE", "EXIT", "COMMAND", "MACHINE", "CREATED"],
          answer.jobs.map((/** @type {any} */ j) => [
            j.id,
            stateOf(j),
            j.exitCode ?? "",
            j.command.join(" "),
            j.runningOn ?? j.machineId ?? "",
            when(j.createdAt),
          ]),
          { title: `Jobs of ${me.org.name}`, empty: "No jobs." },
        );
      }),
    );

  common(jobs.command("show"))
    .description("one job")
    .argument("<id>")
    .action(
      action(async (context, id) => {
        const me = await requireOrg(context);
        const answer = await context.api.get(orgPath(me.org.id, `/jobs/${encodeURIComponent(id)}`));
        if (context.json) return printJson(answer);
        const job = answer.job;
        for (const [label, value] of [
          ["Job", job.id],
          ["State", stateOf(job)],
          ["Command", JSON.stringify(job.command)],
          ["Project", job.projectId],
          ["Archive", job.archiveSha256],
          ["Env", job.env.join(", ")],
          ["Volumes", job.volumeIds.join(", ")],
          ["Machine", job.machineId ?? "any it may run on"],
          ["Running on", job.runningOn],
          ["Exit code", job.exitCode],
          ["Attempt", job.attempt],
          ["Timeout", `${job.timeoutSeconds} s`],
          ["Created", when(job.createdAt)],
          ["Started", when(job.startedAt)],
          ["Finished", when(job.finishedAt)],
        ]) {
          if (value !== null && value !== undefined && value !== "") say(`${String(label).padEnd(11)} ${value}`);
        }
      }),
    );

  common(jobs.command("logs"))
    .description("a job's log; --follow waits for more until the job ends")
    .argument("<id>")
    .option("-f, --follow", "keep printing new lines until the job is done")
    .action(action(logs));

  common(jobs.command("cancel"))
    .description("cancel one of your jobs")
    .argument("<id>")
    .action(
      action(async (context, id) => {
        const me = await requireOrg(context);
        const answer = await context.api.post(orgPath(me.org.id, `/jobs/${encodeURIComponent(id)}/cancel`));
        if (context.json) return printJson(answer);
        say(answer.job.state === "cancelled" ? `Cancelled job ${id}.` : `Asked job ${id}'s machine to stop it.`);
      }),
    );
}

/** @param {any} job */
function stateOf(job) {
  if (job.state === "failed" && job.failure) return `failed (${job.failure})`;
  if (job.cancelRequested && job.state === "running") return "running (cancel requested)";
  return job.state;
}

/** @param {import("../context.js").Context} context @param {string[]} argv */
async function run(context, argv) {
  const { options } = context;
  if (argv.length === 0) throw usage("Give the command to run after --, e.g. `cohort run --project p -- python train.py`.");
  /** @type {Record<string, string>} */
  const env = {};
  for (const pair of options.env) {
    const at = pair.indexOf("=");
    if (at <= 0) throw usage(`--env takes NAME=value, not ${JSON.stringify(pair)}.`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const timeoutSeconds = options.timeout === undefined ? undefined : integer(options.timeout, "--timeout", { min: 1, max: 604_800 });
  const me = await requireOrg(context);
  const project = await findProject(context, me.org.id, options.project);
  if (!project)
    throw new CliError(`No project named ${options.project}. Push one with \`cohort projects push DIR --name ${options.project}\`.`);
  /** @type {string[]} */
  let volumeIds = [];
  if (options.volume.length > 0) {
    const { volumes } = await context.api.get(orgPath(me.org.id, "/volumes"));
    volumeIds = options.volume.map((/** @type {string} */ name) => byIdOrName(volumes, name, "volume of yours").id);
  }
  /** @type {Record<string, unknown>} */
  const body = { projectId: project.id, command: argv };
  if (options.machine) body.machineId = options.machine;
  if (volumeIds.length > 0) body.volumeIds = volumeIds;
  if (Object.keys(env).length > 0) body.env = env;
  if (timeoutSeconds !== undefined) body.timeoutSeconds = timeoutSeconds;
  const answer = await context.api.post(orgPath(me.org.id, "/jobs"), body);
  if (context.json) return printJson(answer);
  say(answer.job.id);
}

/** @param {import("../context.js").Context} context @param {string} id */
async function logs(context, id) {
  const me = await requireOrg(context);
  const path = orgPath(me.org.id, `/jobs/${encodeURIComponent(id)}/logs`);
  /** @type {string | undefined} */
  let cursor;
  for (;;) {
    const page = await context.api.get(path, { query: { cursor } });
    if (context.json) {
      // One JSON answer per page, one per line, so a follower can read them as they come.
      process.stdout.write(`${JSON.stringify(page)}\n`);
    } else {
      for (const line of page.lines) (line.stream === "stderr" ? process.stderr : process.stdout).write(`${line.text}\n`);
    }
    if (page.nextCursor) cursor = page.nextCursor;
    if (page.done && !page.nextCursor) return;
    if (page.lines.length > 0 && page.nextCursor) continue;
    if (!context.options.follow) return;
    if (page.done) return;
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
  }
}
