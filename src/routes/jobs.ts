import { Hono } from "hono";
import { z } from "zod";
import { createDb } from "../db/client";
import { findJobRow, listJobs, listLogLines, toJob } from "../db/job-queries";
import { atLeast } from "../domain/roles";
import { isFinished, JOB_LIMITS, jobsQuerySchema, logsQuerySchema, submitJobSchema } from "../domain/job";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { jsonBody, parseWith } from "./json-body";
import { orgCommand, requireMember } from "./org-access";

const noBody = z.strictObject({});

export const jobRoutes = new Hono<AppEnv>()
  .post("/:orgId/jobs", async (c) => {
    requireMember(c);
    const input = await jsonBody(c, submitJobSchema);
    const { org } = await orgCommand(c, input);
    return c.json(await org.submitJob({ job: input }), 201);
  })
  .get("/:orgId/jobs", async (c) => {
    const { orgId, actorId } = requireMember(c);
    const query = parseWith(jobsQuerySchema, c.req.query());
    const mine = query.mine === "1" || query.mine === "true";
    return c.json(
      await listJobs(createDb(c.env.DB), orgId, {
        state: query.state,
        submitterId: mine ? actorId : undefined,
        cursor: query.cursor || undefined,
        limit: query.limit,
      }),
    );
  })
  .get("/:orgId/jobs/:jobId", async (c) => {
    const { orgId } = requireMember(c);
    const row = await findJobRow(createDb(c.env.DB), orgId, c.req.param("jobId"));
    if (!row) throw new AppError("not_found");
    return c.json({ job: toJob(row) });
  })
  .get("/:orgId/jobs/:jobId/logs", async (c) => {
    const { orgId, actorId, role } = requireMember(c);
    const { cursor } = parseWith(logsQuerySchema, c.req.query());
    const db = createDb(c.env.DB);
    // The job's state is read before its lines: a job seen finished has all its lines written.
    const row = await findJobRow(db, orgId, c.req.param("jobId"));
    if (!row) throw new AppError("not_found");
    if (row.submitterId !== actorId && !atLeast(role, "admin"))
      throw new AppError("forbidden", "Only the submitter, Admins and the Owner read a job's log.");
    const after = cursor ? Number(cursor) : 0;
    const page = await listLogLines(db, row.id, after, JOB_LIMITS.logPage);
    const done = isFinished(row.state) && !page.more;
    return c.json({ lines: page.lines, nextCursor: done ? null : String(page.lastId ?? after), done });
  })
  .post("/:orgId/jobs/:jobId/cancel", async (c) => {
    requireMember(c);
    const body = await jsonBody(c, noBody);
    const { org } = await orgCommand(c, body);
    return c.json(await org.cancelJob({ jobId: c.req.param("jobId") }));
  });
