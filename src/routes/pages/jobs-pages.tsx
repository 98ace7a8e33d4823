import { Hono } from "hono";
import { createDb } from "../../db/client";
import { findJobRow, listJobs, listLogLines, toJob } from "../../db/job-queries";
import { findMembers } from "../../db/org-queries";
import { JOB_LIMITS } from "../../domain/job";
import { atLeast } from "../../domain/roles";
import { orgClient } from "../../services/org-client";
import { AppError } from "../../errors";
import { JobPage, JobsPage } from "../../views/jobs-page";
import { renderer } from "../../views/layout";
import { actThen } from "./flash";
import { readForm } from "./form";
import { memberOnly, noStore, type MemberEnv } from "./guards";
import { memberPageProps } from "./page-props";

/** `/jobs`: the org's jobs, newest first, with Cancel on one's own unfinished ones; `/jobs/:id`: command, state and log. */
export const jobPages = new Hono<MemberEnv>()
  .use(noStore, memberOnly, renderer)
  .get("/", async (c) => {
    const { user, org } = c.var.member;
    const db = createDb(c.env.DB);
    const cursor = c.req.query("cursor");
    const { jobs, nextCursor } = await listJobs(db, org.id, {
      cursor: cursor && cursor.length <= 64 ? cursor : undefined,
      limit: JOB_LIMITS.listDefault,
    });
    const members = await findMembers(
      db,
      org.id,
      jobs.map((job) => job.submitterId),
    );
    const usernames = new Map([...members].map(([id, member]) => [id, member.username]));
    const olderHref = nextCursor ? `/jobs?cursor=${encodeURIComponent(nextCursor)}` : null;
    return c.render(
      <JobsPage jobs={jobs} viewerId={user.id} usernames={usernames} olderHref={olderHref} />,
      memberPageProps(c, "Jobs", "jobs"),
    );
  })
  .get("/:jobId", async (c) => {
    const { user, org, role } = c.var.member;
    const db = createDb(c.env.DB);
    const row = await findJobRow(db, org.id, c.req.param("jobId"));
    if (!row) throw new AppError("not_found", "No such job.");
    const job = toJob(row);
    let log = null;
    if (job.submitterId === user.id || atLeast(role, "admin")) {
      const cursorText = c.req.query("cursor") ?? "";
      const after = /^[0-9]{1,15}$/.test(cursorText) ? Number(cursorText) : 0;
      const page = await listLogLines(db, row.id, after, JOB_LIMITS.logPage);
      log = {
        lines: page.lines,
        moreHref: page.more && page.lastId !== null ? `/jobs/${encodeURIComponent(row.id)}?cursor=${page.lastId}` : null,
      };
    }
    return c.render(<JobPage job={job} viewerId={user.id} log={log} />, memberPageProps(c, `Job ${job.id.slice(-8)}`, "jobs"));
  })
  .post("/:jobId/cancel", async (c) => {
    const { user, org } = c.var.member;
    const { back } = await readForm(c, ["back"] as const);
    // Only back to one of our own pages.
    const to = back === "/jobs" || /^\/jobs\/[0-9a-z]+$/.test(back) ? back : "/jobs";
    return actThen(c, to, async () => {
      await orgClient(c.env, org.id, { actorId: user.id }).cancelJob({ jobId: c.req.param("jobId") });
      return "The job is cancelled (a running one stops shortly).";
    });
  });
