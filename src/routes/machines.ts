import { Hono, type Context } from "hono";
import { z } from "zod";
import { createDb } from "../db/client";
import { listMachines } from "../db/machine-queries";
import { keyedHash } from "../domain/keyed-hash";
import { newSecret } from "../domain/ids";
import { AGENT_TOKEN_PREFIX, machinePatchSchema, machineSchema } from "../domain/machine";
import type { AppEnv } from "../env";
import { jsonBody } from "./json-body";
import { orgCommand, requireMember } from "./org-access";

/** A new agent token and its keyed hash: only the hash is stored (and reaches the org object). */
export async function newAgentToken(secret: string): Promise<{ token: string; hash: string }> {
  const token = `${AGENT_TOKEN_PREFIX}${newSecret()}`;
  return { token, hash: await keyedHash(secret, token) };
}

/**
 * The token made for this request, or null when the object answered a replay of a first
 * request whose token was never stored: a lost token is replaced with `agent-token`.
 */
function tokenIfFirst(made: { token: string; hash: string }, answeredHash: string): string | null {
  return made.hash === answeredHash ? made.token : null;
}

const noBody = z.strictObject({});

export const machineRoutes = new Hono<AppEnv>()
  .post("/:orgId/machines", async (c) => {
    requireMember(c);
    const input = await jsonBody(c, machineSchema);
    const { org } = await orgCommand(c, input);
    const made = await newAgentToken(c.var.config.codeHashSecret);
    const { machine, agentTokenHash } = await org.createMachine({ machine: input, agentTokenHash: made.hash });
    return c.json({ machine, agentToken: tokenIfFirst(made, agentTokenHash) }, 201);
  })
  .get("/:orgId/machines", async (c) => {
    const { orgId } = requireMember(c);
    return c.json({ machines: await listMachines(createDb(c.env.DB), orgId) });
  })
  .patch("/:orgId/machines/:machineId", async (c) => {
    requireMember(c);
    const patch = await jsonBody(c, machinePatchSchema);
    const { org } = await orgCommand(c, patch);
    return c.json(await org.updateMachine({ machineId: c.req.param("machineId"), patch }));
  })
  .post("/:orgId/machines/:machineId/agent-token", async (c: Context<AppEnv>) => {
    requireMember(c);
    const body = await jsonBody(c, noBody);
    const { org } = await orgCommand(c, body);
    const made = await newAgentToken(c.var.config.codeHashSecret);
    const { agentTokenHash } = await org.rotateAgentToken({ machineId: c.req.param("machineId")!, agentTokenHash: made.hash });
    return c.json({ agentToken: tokenIfFirst(made, agentTokenHash) }, 201);
  })
  .delete("/:orgId/machines/:machineId", async (c) => {
    const { org } = await orgCommand(c);
    await org.deleteMachine({ resourceId: c.req.param("machineId") });
    return c.body(null, 204);
  });
