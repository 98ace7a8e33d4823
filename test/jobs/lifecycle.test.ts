import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { clock } from "../../src/clock";
import type { OrgObject } from "../../src/durable/org-object";
import { api } from "../support/client";
import { orgWith } from "../support/org-factories";
import { claim, finish, getJob, heartbeat, projectWithArchive, registerMachine, sendLogs, submitOk } from "./helpers";
import { frozenClock, restoreClockAfterEach } from "../support/clock";

restoreClockAfterEach();

async function setup(counts = { users: 1 }) {
  const org = await orgWith(counts);
  const sam = org.users[0]!;
  const project = await projectWithArchive(org.id, sam.id);
  return { org, sam, project };
}

describe("claiming", () => {
  it("gives the claiming agent the job running on it, with env values and volume names; 204 when none", async () => {
    const { org, sam, project } = await setup();
    const machine = await registerMachine(org.id, sam.cookie);
    expect((await claim(machine.agent)).status).toBe(204);
    const volume = (await api(`/api/orgs/${org.id}/volumes`, { body: { name: "datasets", sizeGb: 1 }, as: sam.cookie })).body.volume;
    const job = await submitOk(org.id, sam.cookie, { projectId: project.id, env: { TOKEN: "s3cret" }, volumeIds: [volume.id] });
    const claimed = await claim(machine.agent);
    expect(claimed.status).toBe(200);
    expect(claimed.body.job).toMatchObject({
      id: job.id,
      state: "running",
      runningOn: machine.id,
      attempt: 1,
      startedAt: expect.stringMatching(/Z$/),
    });
    expect(claimed.body.env).toEqual({ TOKEN: "s3cret" });
    expect(claimed.body.volumes).toEqual([{ id: volume.id, name: "datasets" }]);
    expect(claimed.body.lease).toEqual({ token: expect.any(String), expiresAt: expect.stringMatching(/Z$/) });
    expect(new Date(claimed.body.lease.expiresAt).getTime() - new Date(claimed.body.job.startedAt).getTime()).toBe(60_000);
    expect(claimed.body.job.env).toEqual(["TOKEN"]);
    const shown = await getJob(org.id, job.id, sam.cookie);
    expect(shown).toEqual(claimed.body.job);
    expect(JSON.stringify(shown)).not.toContain("s3cret");
    expect((await claim(machine.agent)).status).toBe(204);
  });

  it("of two agents claiming at once, the job goes to exactly one", async () => {
    const { org, sam, project } = await setup();
    const a = await registerMachine(org.id, sam.cookie);
    const b = await registerMachine(org.id, sam.cookie);
    const job = await submitOk(org.id, sam.cookie, { projectId: project.id });
    const answers = await Promise.all([claim(a.agent), claim(b.agent), claim(a.agent), claim(b.agent)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 204, 204, 204]);
    const winner = answers.find((r) => r.status === 200)!;
    expect(winner.body.job.id).toBe(job.id);
    expect((await getJob(org.id, job.id, sam.cookie)).runningOn).toBe(winner.body.job.runningOn);
  });

  it("hands out the oldest queued job first", async () => {
    const { org, sam, project } = await setup();
    const machine = await registerMachine(org.id, sam.cookie);
    const first = await submitOk(org.id, sam.cookie, { projectId: project.id });
    const second = await submitOk(org.id, sam.cookie, { projectId: project.id });
    const third = await submitOk(org.id, sam.cookie, { projectId: project.id });
    expect((await claim(machine.agent)).body.job.id).toBe(first.id);
    expect((await claim(machine.agent)).body.job.id).toBe(second.id);
    expect((await claim(machine.agent)).body.job.id).toBe(third.id);
  });

  it("runs a job on its submitter's machines or shared ones only, and a pinned job only on its machine", async () => {
    const { org, sam, project } = await setup();
    const ownerPrivate = await registerMachine(org.id, org.owner.cookie);
    const ownerShared = await registerMachine(org.id, org.owner.cookie, { shared: true });
    const samsOther = await registerMachine(org.id, sam.cookie);
    const samsPinned = await registerMachine(org.id, sam.cookie);
    const pinned = await submitOk(org.id, sam.cookie, { projectId: project.id, machineId: samsPinned.id });
    expect((await claim(ownerPrivate.agent)).status).toBe(204);
    expect((await claim(ownerShared.agent)).status).toBe(204);
    expect((await claim(samsOther.agent)).status).toBe(204);
    expect((await claim(samsPinned.agent)).body.job.id).toBe(pinned.id);
    const loose = await submitOk(org.id, sam.cookie, { projectId: project.id });
    expect((await claim(ownerPrivate.agent)).status).toBe(204);
    expect((await claim(ownerShared.agent)).body.job.id).toBe(loose.id);
    // Sharing is read at claim time: unshared, the owner's machine stops taking others' jobs.
    await api(`/api/orgs/${org.id}/machines/${ownerShared.id}`, { method: "PATCH", body: { shared: false }, as: org.owner.cookie });
    await submitOk(org.id, sam.cookie, { projectId: project.id });
    expect((await claim(ownerShared.agent)).status).toBe(204);
    expect((await claim(samsOther.agent)).status).toBe(200);
  });
});

describe("leases", () => {
  it("heartbeats extend the lease 60 s from now and report cancelRequested", async () => {
    const advance = frozenClock();
    const { org, sam, project } = await setup();
    const machine = await registerMachine(org.id, sam.cookie);
    const job = await submitOk(org.id, sam.cookie, { projectId: project.id });
    const lease = (await claim(machine.agent)).body.lease;
    advance(50_000);
    const beat = await heartbeat(machine.agent, job.id, lease.token);
    expect(beat.status).toBe(200);
    expect(beat.body).toEqual({ cancelRequested: false, lease: { expiresAt: new Date(clock.now() + 60_000).toISOString() } });
    advance(50_000);
    // Past the first lease's end, alive thanks to the heartbeat.
    expect((await heartbeat(machine.agent, job.id, lease.token)).status).toBe(200);
    await api(`/api/orgs/${org.id}/jobs/${job.id}/cancel`, { method: "POST", as: sam.cookie });
    expect((await heartbeat(machine.agent, job.id, lease.token)).body.cancelRequested).toBe(true);
  });

  it("a stale token, another machine, or a lapsed lease is 409 lease_lost and changes nothing", async () => {
    const advance = frozenClock();
    const { org, sam, project } = await setup();
    const machine = await registerMachine(org.id, sam.cookie);
    const other = await registerMachine(org.id, sam.cookie);
    const job = await submitOk(org.id, sam.cookie, { projectId: project.id });
    const lease = (await claim(machine.agent)).body.lease;
    const before = await getJob(org.id, job.id, sam.cookie);
    for (const response of [
      await heartbeat(machine.agent, job.id, "wrong"),
      await heartbeat(other.agent, job.id, lease.token),
      await finish(other.agent, job.id, lease.token, 0),
      await sendLogs(other.agent, job.id, lease.token, [{ stream: "stdout", text: "x" }]),
      await api(`/api/agent/jobs/${job.id}/archive`, { as: other.agent }),
    ]) {
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe("lease_lost");
    }
    expect(await getJob(org.id, job.id, sam.cookie)).toEqual(before);
    advance(60_000);
    expect((await heartbeat(machine.agent, job.id, lease.token)).status).toBe(409);
    expect((await finish(machine.agent, job.id, lease.token, 0)).status).toBe(409);
    expect((await api(`/api/agent/jobs/${job.id}/archive`, { as: machine.agent })).status).toBe(409);
    expect((await getJob(org.id, job.id, sam.cookie)).state).toBe("running");
  });

  it("a lapsed lease goes back to the queue with attempt + 1; after 3 attempts the job fails as lost", async () => {
    const advance = frozenClock();
    const { org, sam, project } = await setup();
    const machine = await registerMachine(org.id, sam.cookie);
    const job = await submitOk(org.id, sam.cookie, { projectId: project.id });
    for (const attempt of [1, 2, 3]) {
      const claimed = await claim(machine.agent);
      expect(claimed.body.job).toMatchObject({ id: job.id, attempt, state: "running" });
      advance(60_000);
    }
    // The claim sweeps first: the third lapse fails the job, so there is nothing to claim.
    expect((await claim(machine.agent)).status).toBe(204);
    expect(await getJob(org.id, job.id, sam.cookie)).toMatchObject({
      state: "failed",
      failure: "lost",
      attempt: 3,
      runningOn: null,
      finishedAt: expect.any(String),
    });
  });

  it("the org object's sweep (its alarm's work) requeues a lapsed job without any claim", async () => {
    const advance = frozenClock();
    const { org, sam, project } = await setup();
    const machine = await registerMachine(org.id, sam.cookie);
    const job = await submitOk(org.id, sam.cookie, { projectId: project.id });
    await claim(machine.agent);
    const stub = env.ORG.getByName(org.id);
    const alarmAt = await runInDurableObject(stub, (_instance: OrgObject, state) => state.storage.getAlarm());
    expect(alarmAt).toBe(clock.now() + 60_000);
    advance(60_000);
    await runInDurableObject(stub, (instance: OrgObject) => instance.sweepJobs(org.id));
    expect(await getJob(org.id, job.id, sam.cookie)).toMatchObject({ state: "queued", attempt: 2, runningOn: null, startedAt: null });
    expect(await runInDurableObject(stub, (_instance: OrgObject, state) => state.storage.getAlarm())).toBeNull();
  });

  it("a job running past timeoutSeconds fails with timeout", async () => {
    const advance = frozenClock();
    const { org, sam, project } = await setup();
    const machine = await registerMachine(org.id, sam.cookie);
    const job = await submitOk(org.id, sam.cookie, { projectId: project.id, timeoutSeconds: 100 });
    const lease = (await claim(machine.agent)).body.lease;
    advance(50_000);
    await heartbeat(machine.agent, job.id, lease.token);
    advance(50_000);
    expect((await heartbeat(machine.agent, job.id, lease.token)).status).toBe(409);
    expect((await claim(machine.agent)).status).toBe(204);
    expect(await getJob(org.id, job.id, sam.cookie)).toMatchObject({ state: "failed", failure: "timeout", runningOn: null });
  });
});

describe("finishing", () => {
  it.each([
    [0, undefined, "succeeded", null],
    [3, undefined, "failed", "exit_code"],
    [null, undefined, "failed", "exit_code"],
    [null, "timeout", "failed", "timeout"],
  ] as const)("exit %s (failure %s) → %s / %s", async (exitCode, failure, state, expectedFailure) => {
    const { org, sam, project } = await setup();
    const machine = await registerMachine(org.id, sam.cookie);
    const job = await submitOk(org.id, sam.cookie, { projectId: project.id });
    const lease = (await claim(machine.agent)).body.lease;
    const done = await finish(machine.agent, job.id, lease.token, exitCode, failure);
    expect(done.status).toBe(200);
    expect(done.body.job).toMatchObject({ state, failure: expectedFailure, exitCode, runningOn: null, finishedAt: expect.any(String) });
    expect(await getJob(org.id, job.id, sam.cookie)).toEqual(done.body.job);
    // Finished is final: the same lease changes nothing any more.
    expect((await finish(machine.agent, job.id, lease.token, 0)).status).toBe(409);
    expect((await heartbeat(machine.agent, job.id, lease.token)).status).toBe(409);
  });

  it.each([
    {},
    { leaseToken: "x" },
    { leaseToken: "x", exitCode: 1.5 },
    { leaseToken: "x", exitCode: 0, failure: "lost" },
    { leaseToken: "x", exitCode: "0" },
  ])("refuses finish body %j with 400", async (body) => {
    const { org, sam } = await setup();
    const machine = await registerMachine(org.id, sam.cookie);
    expect((await api("/api/agent/jobs/any/finish", { body, as: machine.agent })).status).toBe(400);
  });
});

describe("cancelling", () => {
  it("cancels a queued job at once; a running one gets cancelRequested and ends cancelled; a finished one is 409", async () => {
    const { org, sam, project } = await setup();
    const machine = await registerMachine(org.id, sam.cookie);
    const running = await submitOk(org.id, sam.cookie, { projectId: project.id });
    const lease = (await claim(machine.agent)).body.lease;
    const queued = await submitOk(org.id, sam.cookie, { projectId: project.id });
    const cancelQueued = await api(`/api/orgs/${org.id}/jobs/${queued.id}/cancel`, { method: "POST", as: sam.cookie });
    expect(cancelQueued.status).toBe(200);
    expect(cancelQueued.body.job).toMatchObject({ state: "cancelled", finishedAt: expect.any(String) });
    expect((await claim(machine.agent)).status).toBe(204);
    const cancelRunning = await api(`/api/orgs/${org.id}/jobs/${running.id}/cancel`, { method: "POST", body: {}, as: sam.cookie });
    expect(cancelRunning.body.job).toMatchObject({ state: "running", cancelRequested: true });
    const done = await finish(machine.agent, running.id, lease.token, 143);
    expect(done.body.job).toMatchObject({ state: "cancelled", exitCode: 143, failure: null });
    const again = await api(`/api/orgs/${org.id}/jobs/${running.id}/cancel`, { method: "POST", as: sam.cookie });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conflict");
  });

  it("cancels only one's own jobs (403 for another member, the Owner included)", async () => {
    const { org, sam, project } = await setup();
    const job = await submitOk(org.id, sam.cookie, { projectId: project.id });
    expect((await api(`/api/orgs/${org.id}/jobs/${job.id}/cancel`, { method: "POST", as: org.owner.cookie })).status).toBe(403);
    expect((await api(`/api/orgs/${org.id}/jobs/nope/cancel`, { method: "POST", as: sam.cookie })).status).toBe(404);
    expect((await getJob(org.id, job.id, sam.cookie)).state).toBe("queued");
  });

  it("a running job with a cancel request whose lease runs out ends cancelled, not requeued", async () => {
    const advance = frozenClock();
    const { org, sam, project } = await setup();
    const machine = await registerMachine(org.id, sam.cookie);
    const job = await submitOk(org.id, sam.cookie, { projectId: project.id });
    await claim(machine.agent);
    await api(`/api/orgs/${org.id}/jobs/${job.id}/cancel`, { method: "POST", as: sam.cookie });
    advance(60_000);
    expect((await claim(machine.agent)).status).toBe(204);
    expect((await getJob(org.id, job.id, sam.cookie)).state).toBe("cancelled");
  });
});

describe("logs", () => {
  it("keeps lines oldest first, pages them with a cursor, and says done once the job finished", async () => {
    const { org, sam, project } = await setup();
    const machine = await registerMachine(org.id, sam.cookie);
    const job = await submitOk(org.id, sam.cookie, { projectId: project.id });
    const lease = (await claim(machine.agent)).body.lease;
    const first = Array.from({ length: 700 }, (_, i) => ({ stream: i % 3 ? "stdout" : "stderr", text: `line ${i}` }));
    const second = Array.from({ length: 600 }, (_, i) => ({ stream: "stdout", text: `line ${700 + i}` }));
    expect((await sendLogs(machine.agent, job.id, lease.token, first)).status).toBe(204);
    const running = await api(`/api/orgs/${org.id}/jobs/${job.id}/logs`, { as: sam.cookie });
    expect(running.body.lines).toHaveLength(700);
    expect(running.body.lines[0]).toEqual({ at: expect.stringMatching(/Z$/), stream: "stderr", text: "line 0" });
    expect(running.body.done).toBe(false);
    expect(running.body.nextCursor).toEqual(expect.any(String));
    expect((await sendLogs(machine.agent, job.id, lease.token, second)).status).toBe(204);
    await finish(machine.agent, job.id, lease.token, 0);
    const page1 = await api(`/api/orgs/${org.id}/jobs/${job.id}/logs`, { as: org.owner.cookie });
    expect(page1.body.lines).toHaveLength(1000);
    expect(page1.body.done).toBe(false);
    const page2 = await api(`/api/orgs/${org.id}/jobs/${job.id}/logs?cursor=${page1.body.nextCursor}`, { as: org.owner.cookie });
    expect(page2.body.lines.map((l: { text: string }) => l.text)).toEqual(Array.from({ length: 300 }, (_, i) => `line ${1000 + i}`));
    expect(page2.body).toMatchObject({ done: true, nextCursor: null });
    const follow = await api(`/api/orgs/${org.id}/jobs/${job.id}/logs?cursor=${running.body.nextCursor}`, { as: sam.cookie });
    expect(follow.body.lines[0].text).toBe("line 700");
  });

  it("lets the submitter, Admins and the Owner read a log; another User gets 403", async () => {
    const org = await orgWith({ users: 2, admins: 1 });
    const [sam, kim] = org.users;
    const project = await projectWithArchive(org.id, sam!.id);
    const job = await submitOk(org.id, sam!.cookie, { projectId: project.id });
    expect((await api(`/api/orgs/${org.id}/jobs/${job.id}/logs`, { as: sam!.cookie })).status).toBe(200);
    expect((await api(`/api/orgs/${org.id}/jobs/${job.id}/logs`, { as: org.admins[0]!.cookie })).status).toBe(200);
    expect((await api(`/api/orgs/${org.id}/jobs/${job.id}/logs`, { as: org.owner.cookie })).status).toBe(200);
    expect((await api(`/api/orgs/${org.id}/jobs/${job.id}/logs`, { as: kim!.cookie })).status).toBe(403);
    // Everyone sees the job itself.
    expect((await api(`/api/orgs/${org.id}/jobs/${job.id}`, { as: kim!.cookie })).status).toBe(200);
  });

  it("refuses more than 1,000 lines, a bad stream or an over-long line with 400", async () => {
    const { org, sam, project } = await setup();
    const machine = await registerMachine(org.id, sam.cookie);
    const job = await submitOk(org.id, sam.cookie, { projectId: project.id });
    const lease = (await claim(machine.agent)).body.lease;
    expect(
      (
        await sendLogs(
          machine.agent,
          job.id,
          lease.token,
          Array.from({ length: 1001 }, () => ({ stream: "stdout", text: "" })),
        )
      ).status,
    ).toBe(400);
    expect((await sendLogs(machine.agent, job.id, lease.token, [{ stream: "stdin", text: "x" }])).status).toBe(400);
    expect((await sendLogs(machine.agent, job.id, lease.token, [{ stream: "stdout", text: "x".repeat(16_385) }])).status).toBe(400);
    expect((await api(`/api/orgs/${org.id}/jobs/${job.id}/logs`, { as: sam.cookie })).body.lines).toEqual([]);
  });
});
