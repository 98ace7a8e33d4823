import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clock } from "../../src/clock";
import { LEASE_MS, MAX_ATTEMPTS } from "../../src/domain/job";
import type { OrgObject } from "../../src/durable/org-object";
import { api } from "../support/client";
import { orgWith, type TestOrg } from "../support/org-factories";
import { claim, finish, heartbeat, projectWithArchive, registerMachine } from "./helpers";

/*
 * The job state machine against a reference model: random sequences of submit, claim,
 * heartbeat, finish, cancel and clock moves. Before every step both sides sweep (the org
 * object's alarm work), so the model needs no notion of when an alarm fires.
 */

type State = "queued" | "running" | "succeeded" | "failed" | "cancelled";
interface ModelJob {
  id: string;
  submitter: number;
  pin: number | null;
  state: State;
  failure: string | null;
  attempt: number;
  runningOn: number | null;
  cancelRequested: boolean;
  timeoutMs: number;
  startedAt: number | null;
  leaseExpiresAt: number | null;
  tokens: string[];
}

const USERS = 2;
// Machine 0: user 0's, private; 1: user 0's, shared; 2: user 1's, private.
const MACHINES = [
  { owner: 0, shared: false },
  { owner: 0, shared: true },
  { owner: 1, shared: false },
];

type Step =
  | { kind: "submit"; user: number; pin: number | null; shortTimeout: boolean }
  | { kind: "claim"; machine: number }
  | { kind: "heartbeat"; job: number; machine: number; stale: boolean }
  | { kind: "finish"; job: number; machine: number; exitCode: number; stale: boolean }
  | { kind: "cancel"; user: number; job: number }
  | { kind: "advance"; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("submit" as const),
    user: fc.nat(USERS - 1),
    pin: fc.option(fc.nat(MACHINES.length - 1), { freq: 2 }),
    shortTimeout: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("claim" as const), machine: fc.nat(MACHINES.length - 1) }),
  fc.record({ kind: fc.constant("heartbeat" as const), job: fc.nat(7), machine: fc.nat(MACHINES.length - 1), stale: fc.boolean() }),
  fc.record({
    kind: fc.constant("finish" as const),
    job: fc.nat(7),
    machine: fc.nat(MACHINES.length - 1),
    exitCode: fc.constantFrom(0, 1),
    stale: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("cancel" as const), user: fc.nat(USERS - 1), job: fc.nat(7) }),
  fc.record({ kind: fc.constant("advance" as const), ms: fc.constantFrom(10_000, 30_000, LEASE_MS + 1_000) }),
);

const mayRun = (job: ModelJob, machine: number) =>
  (job.pin === null || job.pin === machine) && (MACHINES[machine]!.owner === job.submitter || MACHINES[machine]!.shared);
const finished = (state: State) => state === "succeeded" || state === "failed" || state === "cancelled";

function sweep(jobs: ModelJob[], now: number) {
  for (const job of jobs) {
    if (job.state !== "running") continue;
    const timedOut = job.startedAt! + job.timeoutMs <= now;
    const lapsed = job.leaseExpiresAt! <= now;
    if (!timedOut && !lapsed) continue;
    const end = (state: State, failure: string | null) => Object.assign(job, { state, failure, runningOn: null, leaseExpiresAt: null });
    if (job.cancelRequested) end("cancelled", null);
    else if (timedOut) end("failed", "timeout");
    else if (job.attempt >= MAX_ATTEMPTS) end("failed", "lost");
    else Object.assign(job, { state: "queued", attempt: job.attempt + 1, runningOn: null, leaseExpiresAt: null, startedAt: null });
  }
}

let org: TestOrg;
let users: { cookie: { cookie: string } }[];
let userIds: string[];
let machines: { id: string; agent: { token: string } }[];
let projectId: string;
const realNow = clock.now;

beforeAll(async () => {
  org = await orgWith({ users: 1 });
  users = [org.owner, org.users[0]!];
  userIds = [org.owner.id, org.users[0]!.id];
  projectId = (await projectWithArchive(org.id, org.owner.id)).id;
  machines = [];
  for (const machine of MACHINES) machines.push(await registerMachine(org.id, users[machine.owner]!.cookie, { shared: machine.shared }));
}, 60_000);

afterAll(() => {
  clock.now = realNow;
});

describe("the job state machine", () => {
  it("agrees with the reference model; a job runs on at most one machine, attempts stay ≤ 3, finished jobs never change", async () => {
    let now = Date.now();
    clock.now = () => now;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 18 }), async (steps) => {
        // Whatever an earlier sequence left unfinished is set aside.
        await env.DB.prepare(
          "UPDATE job SET state = 'cancelled', running_on = NULL, lease_token_hash = NULL WHERE org_id = ? AND state IN ('queued', 'running')",
        )
          .bind(org.id)
          .run();
        const jobs: ModelJob[] = [];
        const finishedSnapshots = new Map<string, string>();
        const stub = env.ORG.getByName(org.id);
        for (const s of steps) {
          now += 1; // distinct instants, so "oldest" is never a tie
          sweep(jobs, now);
          await runInDurableObject(stub, (instance: OrgObject) => instance.sweepJobs(org.id));
          const context = JSON.stringify(s);
          switch (s.kind) {
            case "advance":
              now += s.ms;
              break;
            case "submit": {
              const response = await api(`/api/orgs/${org.id}/jobs`, {
                body: {
                  projectId,
                  command: ["run"],
                  ...(s.pin === null ? {} : { machineId: machines[s.pin]!.id }),
                  timeoutSeconds: s.shortTimeout ? 90 : 86_400,
                },
                as: users[s.user]!.cookie,
              });
              const allowed = s.pin === null || MACHINES[s.pin]!.owner === s.user || MACHINES[s.pin]!.shared;
              expect(response.status, context).toBe(allowed ? 201 : 403);
              if (allowed) {
                jobs.push({
                  id: response.body.job.id,
                  submitter: s.user,
                  pin: s.pin,
                  state: "queued",
                  failure: null,
                  attempt: 1,
                  runningOn: null,
                  cancelRequested: false,
                  timeoutMs: (s.shortTimeout ? 90 : 86_400) * 1000,
                  startedAt: null,
                  leaseExpiresAt: null,
                  tokens: [],
                });
              }
              break;
            }
            case "claim": {
              const expected = jobs.find((job) => job.state === "queued" && mayRun(job, s.machine));
              const response = await claim(machines[s.machine]!.agent);
              expect(response.status, context).toBe(expected ? 200 : 204);
              if (expected) {
                expect(response.body.job.id, context).toBe(expected.id);
                Object.assign(expected, { state: "running", runningOn: s.machine, startedAt: now, leaseExpiresAt: now + LEASE_MS });
                expected.tokens.push(response.body.lease.token);
              }
              break;
            }
            case "heartbeat":
            case "finish": {
              const job = jobs[s.job % Math.max(jobs.length, 1)];
              if (!job) break;
              const token = s.stale ? (job.tokens.at(-2) ?? "stale") : (job.tokens.at(-1) ?? "none");
              const valid = job.state === "running" && job.runningOn === s.machine && token === job.tokens.at(-1);
              const agent = machines[s.machine]!.agent;
              if (s.kind === "heartbeat") {
                const response = await heartbeat(agent, job.id, token);
                expect(response.status, context).toBe(valid ? 200 : 409);
                if (valid) {
                  expect(response.body.cancelRequested, context).toBe(job.cancelRequested);
                  job.leaseExpiresAt = now + LEASE_MS;
                }
              } else {
                const response = await finish(agent, job.id, token, s.exitCode);
                expect(response.status, context).toBe(valid ? 200 : 409);
                if (valid) {
                  const state: State = job.cancelRequested ? "cancelled" : s.exitCode === 0 ? "succeeded" : "failed";
                  Object.assign(job, { state, failure: state === "failed" ? "exit_code" : null, runningOn: null, leaseExpiresAt: null });
                }
              }
              break;
            }
            case "cancel": {
              const job = jobs[s.job % Math.max(jobs.length, 1)];
              if (!job) break;
              const response = await api(`/api/orgs/${org.id}/jobs/${job.id}/cancel`, { method: "POST", as: users[s.user]!.cookie });
              const expectedStatus = job.submitter !== s.user ? 403 : finished(job.state) ? 409 : 200;
              expect(response.status, context).toBe(expectedStatus);
              if (expectedStatus === 200) {
                if (job.state === "queued") Object.assign(job, { state: "cancelled" });
                else job.cancelRequested = true;
              }
              break;
            }
          }
          // Compare every job of this sequence, and check the invariants.
          const listed = (await api(`/api/orgs/${org.id}/jobs?limit=100`, { as: users[0]!.cookie })).body.jobs as Record<string, unknown>[];
          const byId = new Map(listed.map((job) => [job.id as string, job]));
          for (const job of jobs) {
            const real = byId.get(job.id)!;
            expect(
              {
                state: real.state,
                failure: real.failure,
                attempt: real.attempt,
                runningOn: real.runningOn,
                cancelRequested: real.cancelRequested,
              },
              `${context} job ${job.id}`,
            ).toEqual({
              state: job.state,
              failure: job.failure,
              attempt: job.attempt,
              runningOn: job.runningOn === null ? null : machines[job.runningOn]!.id,
              cancelRequested: job.cancelRequested,
            });
            expect(real.attempt as number).toBeLessThanOrEqual(MAX_ATTEMPTS);
            expect(real.runningOn !== null, "runningOn is set exactly while running").toBe(real.state === "running");
            if (real.submitterId !== userIds[job.submitter]) throw new Error("submitter changed");
            const snapshot = JSON.stringify(real);
            if (finishedSnapshots.has(job.id)) expect(snapshot, "a finished job never changes").toBe(finishedSnapshots.get(job.id));
            else if (finished(real.state as State)) finishedSnapshots.set(job.id, snapshot);
          }
        }
      }),
      { numRuns: 25 },
    );
  }, 300_000);
});
