import { Hono, type Context } from "hono";
import { z } from "zod";
import { clock } from "../clock";
import { createDb } from "../db/client";
import { findJobRow } from "../db/job-queries";
import { findVolume } from "../db/volume-queries";
import { keyedHash } from "../domain/keyed-hash";
import { newSecret } from "../domain/ids";
import { agentLogsSchema, claimQuerySchema, finishSchema, JOBS_CHANGED_HEADER, leaseSchema, unsealEnv } from "../domain/job";
import { orgClient } from "../services/org-client";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { resolveAgent } from "../middleware/agent";
import { jsonBody, parseWith } from "./json-body";
import { getFileAnswer, listFilesAnswer, putFileAnswer } from "./volume-files";

const noBody = z.strictObject({});

/** The org commands as the agent's machine: the actor is the machine's owner (authorized on current membership). */
function agentOrg(c: Context<AppEnv>) {
  const agent = c.get("agent");
  return { agent, org: orgClient(c.env, agent.orgId, { actorId: agent.ownerId }) };
}

function leaseHash(secret: string, leaseToken: string): Promise<string> {
  return keyedHash(secret, `lease:${leaseToken}`);
}

/** The job, if it is running on this agent's machine under a lease that has not run out; else 409 lease_lost. */
async function leasedJob(c: Context<AppEnv>) {
  const agent = c.get("agent");
  const row = await findJobRow(createDb(c.env.DB), agent.orgId, c.req.param("jobId") ?? "");
  const leasedHere =
    row && row.state === "running" && row.runningOn === agent.machineId && row.leaseExpiresAt && row.leaseExpiresAt.getTime() > clock.now();
  if (!row || !leasedHere) throw new AppError("lease_lost");
  return row;
}

/**
 * One of the leased job's volumes, still its submitter's: another volume is 404 (the agent sees
 * only the job's own), and one that passed to the Owner since (the submitter left) is 403.
 */
async function jobVolume(c: Context<AppEnv>) {
  const row = await leasedJob(c);
  const volumeId = c.req.param("volumeId") ?? "";
  const volume = row.volumeIds.includes(volumeId) ? await findVolume(createDb(c.env.DB), row.orgId, volumeId) : undefined;
  if (!volume) throw new AppError("not_found");
  if (volume.ownerId !== row.submitterId) throw new AppError("forbidden", "That volume is no longer the job's submitter's.");
  return { actor: { orgId: row.orgId, actorId: row.submitterId }, volume };
}

/** `/api/agent/*`: only an agent token opens these (src/middleware/agent.ts). */
export const agentRoutes = new Hono<AppEnv>()
  .use(resolveAgent)
  .post("/claim", async (c) => {
    const { wait } = parseWith(claimQuerySchema, c.req.query());
    await jsonBody(c, noBody);
    const { agent, org } = agentOrg(c);
    const token = `coh_lease_${newSecret()}`;
    const leaseTokenHash = await leaseHash(c.var.config.codeHashSecret, token);
    const { claimed } = await org.claimJob({ machineId: agent.machineId, leaseTokenHash });
    if (!claimed) {
      // A long poll: held until jobs change, then answered 204 with a hint to claim again at once.
      // The held request never takes a job itself: an agent that went away while it waited
      // cannot be handed one nobody will run.
      const changed = wait > 0 && (await c.env.ORG.getByName(agent.orgId).waitForJobs(wait * 1000));
      return c.body(null, 204, changed ? { [JOBS_CHANGED_HEADER]: "1" } : {});
    }
    const env = await unsealEnv(c.var.config.codeHashSecret, claimed.job.id, claimed.envSealed);
    return c.json({ job: claimed.job, lease: { token, expiresAt: claimed.leaseExpiresAt }, env, volumes: claimed.volumes });
  })
  .post("/jobs/:jobId/heartbeat", async (c) => {
    const { leaseToken } = await jsonBody(c, leaseSchema);
    const { agent, org } = agentOrg(c);
    return c.json(
      await org.heartbeatJob({
        machineId: agent.machineId,
        jobId: c.req.param("jobId"),
        leaseTokenHash: await leaseHash(c.var.config.codeHashSecret, leaseToken),
      }),
    );
  })
  .post("/jobs/:jobId/logs", async (c) => {
    const { leaseToken, lines } = await jsonBody(c, agentLogsSchema);
    const { agent, org } = agentOrg(c);
    await org.appendJobLogs({
      machineId: agent.machineId,
      jobId: c.req.param("jobId"),
      leaseTokenHash: await leaseHash(c.var.config.codeHashSecret, leaseToken),
      lines,
    });
    return c.body(null, 204);
  })
  .post("/jobs/:jobId/finish", async (c) => {
    const { leaseToken, exitCode, failure } = await jsonBody(c, finishSchema);
    const { agent, org } = agentOrg(c);
    return c.json(
      await org.finishJob({
        machineId: agent.machineId,
        jobId: c.req.param("jobId"),
        leaseTokenHash: await leaseHash(c.var.config.codeHashSecret, leaseToken),
        exitCode,
        failure,
      }),
    );
  })
  .get("/jobs/:jobId/archive", async (c) => {
    const row = await leasedJob(c);
    const object = await c.env.BLOBS.get(row.archiveKey);
    if (!object) throw new AppError("not_found", "The job's archive is gone.");
    return new Response(object.body, {
      headers: { "Content-Type": "application/octet-stream", "Content-Length": String(object.size), ETag: `"${row.archiveSha256}"` },
    });
  })
  // The job's own volumes, while it is leased here: its results and checkpoints, written as its submitter.
  .get("/jobs/:jobId/volumes/:volumeId/files", async (c) => listFilesAnswer(c, (await jobVolume(c)).volume))
  .get("/jobs/:jobId/volumes/:volumeId/files/*", async (c) => getFileAnswer(c, (await jobVolume(c)).volume))
  .put("/jobs/:jobId/volumes/:volumeId/files/*", async (c) => {
    const { actor, volume } = await jobVolume(c);
    return putFileAnswer(c, actor, volume.id);
  });
