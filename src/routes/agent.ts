import { Hono, type Context } from "hono";
import { z } from "zod";
import { clock } from "../clock";
import { loadConfig } from "../config";
import { createDb } from "../db/client";
import { findJobRow } from "../db/job-queries";
import { keyedHash } from "../domain/keyed-hash";
import { newSecret } from "../domain/ids";
import { agentLogsSchema, finishSchema, leaseSchema, unsealEnv } from "../domain/job";
import { orgClient } from "../durable/org-client";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { resolveAgent } from "../middleware/agent";
import { jsonBody } from "./json-body";

const noBody = z.strictObject({});

/** The org commands as the agent's machine: the actor is the machine's owner (authorized on current membership). */
function agentOrg(c: Context<AppEnv>) {
  const agent = c.get("agent");
  return { agent, org: orgClient(c.env, agent.orgId, { actorId: agent.ownerId }) };
}

function leaseHash(env: Env, leaseToken: string): Promise<string> {
  return keyedHash(loadConfig(env).codeHashSecret, `lease:${leaseToken}`);
}

/** `/api/agent/*`: only an agent token opens these (src/middleware/agent.ts). */
export const agentRoutes = new Hono<AppEnv>()
  .use(resolveAgent)
  .post("/claim", async (c) => {
    await jsonBody(c, noBody);
    const { agent, org } = agentOrg(c);
    const token = `coh_lease_${newSecret()}`;
    const { claimed } = await org.claimJob({ machineId: agent.machineId, leaseTokenHash: await leaseHash(c.env, token) });
    if (!claimed) return c.body(null, 204);
    const env = await unsealEnv(loadConfig(c.env).codeHashSecret, claimed.job.id, claimed.envSealed);
    return c.json({ job: claimed.job, lease: { token, expiresAt: claimed.leaseExpiresAt }, env, volumes: claimed.volumes });
  })
  .post("/jobs/:jobId/heartbeat", async (c) => {
    const { leaseToken } = await jsonBody(c, leaseSchema);
    const { agent, org } = agentOrg(c);
    return c.json(await org.heartbeatJob({ machineId: agent.machineId, jobId: c.req.param("jobId"), leaseTokenHash: await leaseHash(c.env, leaseToken) }));
  })
  .post("/jobs/:jobId/logs", async (c) => {
    const { leaseToken, lines } = await jsonBody(c, agentLogsSchema);
    const { agent, org } = agentOrg(c);
    await org.appendJobLogs({ machineId: agent.machineId, jobId: c.req.param("jobId"), leaseTokenHash: await leaseHash(c.env, leaseToken), lines });
    return c.body(null, 204);
  })
  .post("/jobs/:jobId/finish", async (c) => {
    const { leaseToken, exitCode, failure } = await jsonBody(c, finishSchema);
    const { agent, org } = agentOrg(c);
    return c.json(
      await org.finishJob({ machineId: agent.machineId, jobId: c.req.param("jobId"), leaseTokenHash: await leaseHash(c.env, leaseToken), exitCode, failure }),
    );
  })
  .get("/jobs/:jobId/archive", async (c) => {
    const agent = c.get("agent");
    const row = await findJobRow(createDb(c.env.DB), agent.orgId, c.req.param("jobId"));
    const now = clock.now();
    const leasedHere = row && row.state === "running" && row.runningOn === agent.machineId && row.leaseExpiresAt && row.leaseExpiresAt.getTime() > now;
    if (!row || !leasedHere) throw new AppError("lease_lost");
    const object = await c.env.BLOBS.get(row.archiveKey);
    if (!object) throw new AppError("not_found", "The job's archive is gone.");
    return new Response(object.body, {
      headers: { "Content-Type": "application/octet-stream", "Content-Length": String(object.size), ETag: `"${row.archiveSha256}"` },
    });
  });
