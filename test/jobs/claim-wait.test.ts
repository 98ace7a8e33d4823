import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { orgWith } from "../support/org-factories";
import { projectWithArchive, registerMachine, submitOk } from "./helpers";

/** Agents waiting in the org's object right now (its long-poll waiters). */
async function waitingAgents(orgId: string): Promise<number> {
  return runInDurableObject(env.ORG.getByName(orgId), (instance) => (instance as unknown as { jobWaiters: Set<unknown> }).jobWaiters.size);
}

async function untilWaiting(orgId: string, count: number): Promise<void> {
  while ((await waitingAgents(orgId)) < count) await new Promise((resolve) => setTimeout(resolve, 20));
}

const claimWaiting = (agent: { token: string }, query: string) => api(`/api/agent/claim?${query}`, { method: "POST", as: agent });

describe("POST /api/agent/claim?wait=N, the agent's long poll", () => {
  it("holds an idle agent's claim until a job is queued, then tells it to claim again, and the claim gets that job", async () => {
    const org = await orgWith();
    const machine = await registerMachine(org.id, org.owner.cookie);
    const project = await projectWithArchive(org.id, org.owner.id);
    const pending = claimWaiting(machine.agent, "wait=20");
    await untilWaiting(org.id, 1);
    const job = await submitOk(org.id, org.owner.cookie, { projectId: project.id });
    const woken = await pending;
    expect(woken.status).toBe(204);
    expect(woken.headers.get("Cohort-Jobs-Changed")).toBe("1");
    expect(await waitingAgents(org.id)).toBe(0);
    // The held request took nothing itself (its agent may have gone): the job waits for a claim.
    const claimed = await claimWaiting(machine.agent, "wait=0");
    expect(claimed.status).toBe(200);
    expect(claimed.body.job.id).toBe(job.id);
  });

  it("wakes every waiting agent; of their claims again exactly one gets the job", async () => {
    const org = await orgWith();
    const [a, b] = await Promise.all([registerMachine(org.id, org.owner.cookie), registerMachine(org.id, org.owner.cookie)]);
    const project = await projectWithArchive(org.id, org.owner.id);
    const claims = [claimWaiting(a.agent, "wait=3"), claimWaiting(b.agent, "wait=3")];
    await untilWaiting(org.id, 2);
    await submitOk(org.id, org.owner.cookie, { projectId: project.id });
    const woken = await Promise.all(claims);
    expect(woken.map((answer) => [answer.status, answer.headers.get("Cohort-Jobs-Changed")])).toEqual([
      [204, "1"],
      [204, "1"],
    ]);
    const again = await Promise.all([claimWaiting(a.agent, "wait=0"), claimWaiting(b.agent, "wait=0")]);
    expect(again.map((answer) => answer.status).sort()).toEqual([200, 204]);
  });

  it("answers 204 when nothing is queued within the wait, and at once without one", async () => {
    const org = await orgWith();
    const machine = await registerMachine(org.id, org.owner.cookie);
    const held = await claimWaiting(machine.agent, "wait=1");
    expect([held.status, held.headers.get("Cohort-Jobs-Changed")]).toEqual([204, null]);
    expect((await claimWaiting(machine.agent, "wait=0")).status).toBe(204);
    expect(await waitingAgents(org.id)).toBe(0);
  });

  it("refuses a wait that is not 0–25 plain decimal seconds with 400", async () => {
    const org = await orgWith();
    const machine = await registerMachine(org.id, org.owner.cookie);
    for (const query of ["wait=26", "wait=-1", "wait=0x5", "wait=1.5", "wait=abc"]) {
      const answer = await claimWaiting(machine.agent, query);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code).toBe("invalid_request");
    }
  });
});
