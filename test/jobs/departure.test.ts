import { describe, expect, it } from "vitest";
import { JOB_LIMITS } from "../../src/domain/job";
import { api } from "../support/client";
import { orgWith } from "../support/org-factories";
import { claim, finish, getJob, heartbeat, projectWithArchive, registerMachine, sendLogs, submitOk } from "./helpers";

describe("machine deletion and departure", () => {
  it("deleting a machine sends the job running on it back to the queue, and its lease is lost", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const project = await projectWithArchive(org.id, sam.id);
    const doomed = await registerMachine(org.id, sam.cookie);
    const spare = await registerMachine(org.id, sam.cookie);
    const job = await submitOk(org.id, sam.cookie, { projectId: project.id });
    const lease = (await claim(doomed.agent)).body.lease;
    expect((await api(`/api/orgs/${org.id}/machines/${doomed.id}`, { method: "DELETE", as: sam.cookie })).status).toBe(204);
    expect(await getJob(org.id, job.id, sam.cookie)).toMatchObject({ state: "queued", runningOn: null, attempt: 1 });
    expect((await heartbeat(doomed.agent, job.id, lease.token)).status).toBe(401);
    expect((await claim(spare.agent)).body.job.id).toBe(job.id);
  });

  it("when a member is removed: jobs on their machines requeue, their queued jobs are cancelled, their running ones get a cancel request", async () => {
    const org = await orgWith({ users: 2 });
    const [sam, kim] = org.users as [(typeof org.users)[0], (typeof org.users)[0]];
    const samProject = await projectWithArchive(org.id, sam.id);
    const kimProject = await projectWithArchive(org.id, kim.id);
    const samsShared = await registerMachine(org.id, sam.cookie, { shared: true });
    const samsOwn = await registerMachine(org.id, sam.cookie);
    const kimsShared = await registerMachine(org.id, kim.cookie, { shared: true });
    // Kim's job runs on Sam's shared machine; Sam's jobs run on Sam's own and on Kim's machine; one of Sam's waits.
    const kimsJob = await submitOk(org.id, kim.cookie, { projectId: kimProject.id, machineId: samsShared.id });
    expect((await claim(samsShared.agent)).body.job.id).toBe(kimsJob.id);
    const samOnOwn = await submitOk(org.id, sam.cookie, { projectId: samProject.id, machineId: samsOwn.id });
    expect((await claim(samsOwn.agent)).body.job.id).toBe(samOnOwn.id);
    const samOnKims = await submitOk(org.id, sam.cookie, { projectId: samProject.id, machineId: kimsShared.id });
    const kimsLease = (await claim(kimsShared.agent)).body.lease;
    const samQueued = await submitOk(org.id, sam.cookie, { projectId: samProject.id, machineId: samsOwn.id });

    expect((await api(`/api/orgs/${org.id}/members/${sam.id}`, { method: "DELETE", as: org.owner.cookie })).status).toBe(204);

    expect(await getJob(org.id, kimsJob.id, kim.cookie)).toMatchObject({ state: "queued", runningOn: null });
    expect(await getJob(org.id, samOnOwn.id, kim.cookie)).toMatchObject({ state: "cancelled", runningOn: null });
    expect(await getJob(org.id, samOnKims.id, kim.cookie)).toMatchObject({
      state: "running",
      cancelRequested: true,
      runningOn: kimsShared.id,
    });
    expect(await getJob(org.id, samQueued.id, kim.cookie)).toMatchObject({ state: "cancelled" });
    expect((await claim(samsShared.agent)).status).toBe(401);
    // Kim's machine learns of the cancel, stops the job, and it ends cancelled.
    expect((await heartbeat(kimsShared.agent, samOnKims.id, kimsLease.token)).body.cancelRequested).toBe(true);
    expect((await finish(kimsShared.agent, samOnKims.id, kimsLease.token, 143)).body.job.state).toBe("cancelled");
  });
});

describe("the per-job log cap", () => {
  it(`keeps the first ${JOB_LIMITS.logLinesPerJob} lines and drops the rest, still answering 204`, async () => {
    const org = await orgWith();
    const project = await projectWithArchive(org.id, org.owner.id);
    const machine = await registerMachine(org.id, org.owner.cookie);
    const job = await submitOk(org.id, org.owner.cookie, { projectId: project.id });
    const lease = (await claim(machine.agent)).body.lease;
    const batches = JOB_LIMITS.logLinesPerJob / 1000 + 1;
    for (let b = 0; b < batches; b += 1) {
      const lines = Array.from({ length: 1000 }, (_, i) => ({ stream: "stdout", text: `${b * 1000 + i}` }));
      expect((await sendLogs(machine.agent, job.id, lease.token, lines)).status).toBe(204);
    }
    await finish(machine.agent, job.id, lease.token, 0);
    let cursor = "";
    let count = 0;
    let last = "";
    for (;;) {
      const page = (await api(`/api/orgs/${org.id}/jobs/${job.id}/logs?cursor=${cursor}`, { as: org.owner.cookie })).body;
      count += page.lines.length;
      last = page.lines.at(-1)?.text ?? last;
      if (page.done) break;
      cursor = page.nextCursor;
    }
    expect(count).toBe(JOB_LIMITS.logLinesPerJob);
    expect(last).toBe(String(JOB_LIMITS.logLinesPerJob - 1));
  });
});
