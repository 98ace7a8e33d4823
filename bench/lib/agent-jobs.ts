import { readFileSync } from "node:fs";
import { CohortApi, type Caller } from "./cohort-api.ts";
import { percentile, sortNumbers } from "./live-fanout.ts";
import { ROOT } from "./processes.ts";

/** How long the CLI's agent asks the server to hold an idle claim (`?wait=N`): read from its loop, so the bench waits as it does. */
export function cliClaimWaitSeconds(): number {
  const source = readFileSync(`${ROOT}cli/src/agent/loop.js`, "utf8");
  const found = /CLAIM_WAIT_SECONDS\s*=\s*([\d_]+)/.exec(source)?.[1];
  if (!found) throw new Error("cli/src/agent/loop.js: no CLAIM_WAIT_SECONDS; see how the agent waits now and follow it here");
  return Number(found.replaceAll("_", ""));
}

export interface AgentOrg {
  origin: string;
  owner: Caller;
  orgId: string;
  projectId: string;
  machines: { id: string; agentToken: string }[];
}

/** One org, its Owner, a project with a small archive, and `machines` machines of the Owner's, each with its agent token. */
export async function setUpAgents(origin: string, machines: number): Promise<AgentOrg> {
  const api = new CohortApi(origin);
  const signed = await api.signUp("agentowner", "10.0.3.1");
  const owner: Caller = { cookie: signed.cookie };
  const orgId = await api.createOrg(owner, "Bench agents");
  const { body } = await api.expect<{ project: { id: string } }>(201, "POST", `/api/orgs/${orgId}/projects`, { name: "bench" }, owner);
  const archive = await fetch(`${origin}/api/orgs/${orgId}/projects/${body.project.id}/archive`, {
    method: "PUT",
    body: new TextEncoder().encode("a job archive: any bytes"),
    headers: { cookie: signed.cookie, origin, "content-type": "application/octet-stream" },
  });
  if (archive.status !== 200) throw new Error(`archive upload answered ${archive.status}: ${await archive.text()}`);
  const made = [];
  for (let i = 0; i < machines; i += 1) {
    const { body: machine } = await api.expect<{ machine: { id: string }; agentToken: string }>(
      201,
      "POST",
      `/api/orgs/${orgId}/machines`,
      { name: `agent-${i}` },
      owner,
    );
    made.push({ id: machine.machine.id, agentToken: machine.agentToken });
  }
  return { origin, owner, orgId, projectId: body.project.id, machines: made };
}

async function agentCall(
  origin: string,
  token: string,
  path: string,
  body: unknown,
  signal?: AbortSignal,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${origin}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** A claim, as the CLI's agent sends it (with `?wait=` while idle); the job (200) or undefined (204). */
async function claim(
  origin: string,
  token: string,
  waitSeconds = 0,
  signal?: AbortSignal,
): Promise<{ jobId: string; leaseToken: string } | undefined> {
  const answer = await agentCall(origin, token, `/api/agent/claim${waitSeconds > 0 ? `?wait=${waitSeconds}` : ""}`, {}, signal);
  if (answer.status === 204) return undefined;
  if (answer.status !== 200) throw new Error(`claim answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  return { jobId: answer.body.job.id, leaseToken: answer.body.lease.token };
}

async function finish(origin: string, token: string, jobId: string, leaseToken: string): Promise<void> {
  const answer = await agentCall(origin, token, `/api/agent/jobs/${jobId}/finish`, { leaseToken, exitCode: 0 });
  if (answer.status !== 200) throw new Error(`finish answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
}

async function submit(org: AgentOrg, machineId?: string): Promise<string> {
  const api = new CohortApi(org.origin);
  const { body } = await api.expect<{ job: { id: string } }>(
    201,
    "POST",
    `/api/orgs/${org.orgId}/jobs`,
    { projectId: org.projectId, command: ["true"], ...(machineId ? { machineId } : {}) },
    org.owner,
  );
  return body.job.id;
}

export interface ClaimFigures {
  agents: number;
  jobs: number;
  /** Jobs claimed a second while all agents claim and finish until the queue is empty. */
  claims_per_s: number;
  claim_p50_ms: number;
  claim_p99_ms: number;
  /** Every job claimed exactly once: both must be 0. */
  duplicates: number;
  missing: number;
  /** The reference: the same org's jobs queued by as many concurrent submitters (one org-object command each). */
  submits_per_s: number;
  submit_p50_ms: number;
}

/** Queues `jobs` jobs with `agents` concurrent submitters, then `agents` loops claim and finish until each gets a 204. */
export async function measureClaims(org: AgentOrg, jobs: number): Promise<ClaimFigures> {
  const agents = org.machines.length;
  const submitted: string[] = [];
  const submitTimes: number[] = [];
  let issued = 0;
  const submitStart = performance.now();
  await Promise.all(
    Array.from({ length: agents }, async () => {
      while (issued < jobs) {
        issued += 1;
        const start = performance.now();
        submitted.push(await submit(org));
        submitTimes.push(performance.now() - start);
      }
    }),
  );
  const submitMs = performance.now() - submitStart;
  const claimed: string[] = [];
  const claimTimes: number[] = [];
  const claimStart = performance.now();
  await Promise.all(
    org.machines.map(async (machine) => {
      for (;;) {
        const start = performance.now();
        const job = await claim(org.origin, machine.agentToken);
        claimTimes.push(performance.now() - start);
        if (!job) return;
        claimed.push(job.jobId);
        await finish(org.origin, machine.agentToken, job.jobId, job.leaseToken);
      }
    }),
  );
  const claimMs = performance.now() - claimStart;
  const unique = new Set(claimed);
  const sortedClaims = sortNumbers(claimTimes);
  return {
    agents,
    jobs: submitted.length,
    claims_per_s: Math.round((claimed.length / (claimMs / 1000)) * 10) / 10,
    claim_p50_ms: percentile(sortedClaims, 50),
    claim_p99_ms: percentile(sortedClaims, 99),
    duplicates: claimed.length - unique.size,
    missing: submitted.filter((id) => !unique.has(id)).length,
    submits_per_s: Math.round((submitted.length / (submitMs / 1000)) * 10) / 10,
    submit_p50_ms: percentile(sortNumbers(submitTimes), 50),
  };
}

export interface SubmitToRunningFigures {
  jobs: number;
  agents: number;
  /** The CLI agent's long poll (cli/src/agent/loop.js): the server holds an idle claim this long. */
  claim_wait_s: number;
  /** From sending the POST that queues the job to its agent's successful claim's answer. */
  p50_ms: number;
  p99_ms: number;
  /** The references: the submit's own answer and a successful claim's own answer. */
  submit_answer_p50_ms: number;
  claim_answer_p50_ms: number;
}

/** Submits fall at random moments within this span, so they meet agents at any point of their wait. */
const SUBMIT_SPREAD_MS = 3000;

/**
 * `agents` idle agents, each waiting as the CLI's does (a claim held by the server for up to
 * `?wait=` seconds, then the next); each gets `perAgent` jobs pinned to its machine, one at a
 * time, each queued after a random pause.
 */
export async function measureSubmitToRunning(org: AgentOrg, agents: number, perAgent: number): Promise<SubmitToRunningFigures> {
  const wait = cliClaimWaitSeconds();
  const claimedAt = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const claimAnswers: number[] = [];
  const aborter = new AbortController();
  const loops = org.machines.slice(0, agents).map(async (machine) => {
    while (!aborter.signal.aborted) {
      const start = performance.now();
      const job = await claim(org.origin, machine.agentToken, wait, aborter.signal).catch((error) => {
        if (aborter.signal.aborted) return undefined;
        throw error;
      });
      if (!job) continue;
      const now = performance.now();
      claimAnswers.push(now - start);
      claimedAt.set(job.jobId, now);
      waiters.get(job.jobId)?.();
      await finish(org.origin, machine.agentToken, job.jobId, job.leaseToken);
    }
  });
  const waits: number[] = [];
  const submitAnswers: number[] = [];
  try {
    await Promise.all(
      org.machines.slice(0, agents).map(async (machine) => {
        for (let k = 0; k < perAgent; k += 1) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * SUBMIT_SPREAD_MS));
          const sentAt = performance.now();
          const jobId = await submit(org, machine.id);
          submitAnswers.push(performance.now() - sentAt);
          if (!claimedAt.has(jobId)) {
            await Promise.race([
              new Promise<void>((resolve) => waiters.set(jobId, resolve)),
              new Promise((_, reject) =>
                setTimeout(() => reject(new Error(`job ${jobId} was not claimed within ${wait * 2} s`)), wait * 2000),
              ),
            ]);
          }
          waits.push(claimedAt.get(jobId)! - sentAt);
        }
      }),
    );
  } finally {
    aborter.abort();
    await Promise.allSettled(loops);
  }
  const sorted = sortNumbers(waits);
  return {
    jobs: waits.length,
    agents,
    claim_wait_s: wait,
    p50_ms: percentile(sorted, 50),
    p99_ms: percentile(sorted, 99),
    submit_answer_p50_ms: percentile(sortNumbers(submitAnswers), 50),
    claim_answer_p50_ms: percentile(sortNumbers(claimAnswers), 50),
  };
}
