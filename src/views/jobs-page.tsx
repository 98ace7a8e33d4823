import type { JobRecord, LogRecord } from "../db/job-queries";
import { DataTable } from "./components/data-table";
import { HiddenText } from "./components/hidden-text";
import { Time } from "./components/time";

/** An argv as one line a person can read (each argument quoted when it needs it). */
export function argvText(command: string[]): string {
  return command.map((arg) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`)).join(" ");
}

function stateText(job: JobRecord): string {
  if (job.state === "failed") return `failed (${job.failure === "exit_code" ? `exit code ${job.exitCode ?? "none"}` : job.failure})`;
  if (job.state === "running" && job.cancelRequested) return "running (cancel requested)";
  return job.state;
}

function CancelButton({ job, back }: { job: JobRecord; back: string }) {
  return (
    <form method="post" action={`/jobs/${encodeURIComponent(job.id)}/cancel`}>
      <input type="hidden" name="back" value={back} />
      <button type="submit" class="button-danger">
        Cancel<HiddenText> job {job.id}</HiddenText>
      </button>
    </form>
  );
}

const mayCancel = (job: JobRecord, viewerId: string) =>
  job.submitterId === viewerId && (job.state === "queued" || (job.state === "running" && !job.cancelRequested));

export function JobsPage({
  jobs,
  viewerId,
  usernames,
  olderHref,
}: {
  jobs: JobRecord[];
  viewerId: string;
  usernames: Map<string, string>;
  olderHref: string | null;
}) {
  return (
    <>
      <h1>Jobs</h1>
      <section class="card" aria-labelledby="jobs-heading">
        <h2 id="jobs-heading">The organization's jobs, newest first</h2>
        {jobs.length === 0 ? (
          <p class="muted">
            No jobs yet. Queue one with <code>cohort run</code>.
          </p>
        ) : (
          <DataTable columns={["Job", "Command", "State", "Submitted by", "Queued"]}>
            {jobs.map((job) => (
              <tr>
                <td data-label="Job" class="mono">
                  <a href={`/jobs/${encodeURIComponent(job.id)}`}>{job.id.slice(-8)}</a>
                </td>
                <td data-label="Command" class="mono">
                  {argvText(job.command)}
                </td>
                <td data-label="State">{stateText(job)}</td>
                <td data-label="Submitted by">
                  {job.submitterId === viewerId ? "you" : (usernames.get(job.submitterId) ?? "a former member")}
                </td>
                <td data-label="Queued">
                  <Time iso={job.createdAt} />
                </td>
                <td class="actions">{mayCancel(job, viewerId) ? <CancelButton job={job} back="/jobs" /> : null}</td>
              </tr>
            ))}
          </DataTable>
        )}
        {olderHref ? (
          <p>
            <a href={olderHref}>Older jobs</a>
          </p>
        ) : null}
      </section>
    </>
  );
}

export function JobPage({
  job,
  viewerId,
  log,
}: {
  job: JobRecord;
  viewerId: string;
  log: { lines: LogRecord[]; moreHref: string | null } | null;
}) {
  return (
    <>
      <h1>Job {job.id.slice(-8)}</h1>
      <section class="card" aria-labelledby="job-heading">
        <h2 id="job-heading">Command</h2>
        <pre class="mono">
          <code>{argvText(job.command)}</code>
        </pre>
        <dl>
          <dt>State</dt>
          <dd>{stateText(job)}</dd>
          <dt>Attempt</dt>
          <dd>{job.attempt}</dd>
          <dt>Queued</dt>
          <dd>
            <Time iso={job.createdAt} />
          </dd>
          {job.startedAt ? (
            <>
              <dt>Started</dt>
              <dd>
                <Time iso={job.startedAt} />
              </dd>
            </>
          ) : null}
          {job.finishedAt ? (
            <>
              <dt>Finished</dt>
              <dd>
                <Time iso={job.finishedAt} />
              </dd>
            </>
          ) : null}
          {job.env.length > 0 ? (
            <>
              <dt>Environment</dt>
              <dd class="mono">{job.env.join(", ")}</dd>
            </>
          ) : null}
        </dl>
        {mayCancel(job, viewerId) ? <CancelButton job={job} back={`/jobs/${job.id}`} /> : null}
      </section>
      <section class="card" aria-labelledby="log-heading">
        <h2 id="log-heading">Log</h2>
        {log === null ? (
          <p class="muted">Only the submitter, Admins and the Owner can read this job's log.</p>
        ) : log.lines.length === 0 ? (
          <p class="muted">No output yet.</p>
        ) : (
          <pre class="job-log">
            {log.lines.map((line) => (
              <span class={line.stream === "stderr" ? "stderr" : undefined}>{`${line.text}\n`}</span>
            ))}
          </pre>
        )}
        {log?.moreHref ? (
          <p>
            <a href={log.moreHref}>More of the log</a>
          </p>
        ) : null}
      </section>
    </>
  );
}
