import { describe, expect, it } from "vitest";
import { buttons, page, withCookies } from "../pages/page-client";
import { orgWith } from "../support/org-factories";
import { claim, getJob, projectWithArchive, registerMachine, sendLogs, submitOk } from "./helpers";

describe("/jobs pages", () => {
  it("lists the org's jobs newest first with state, and Cancel only on one's own unfinished jobs", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const project = await projectWithArchive(org.id, sam.id);
    const older = await submitOk(org.id, sam.cookie, { projectId: project.id, command: ["echo", "older job"] });
    const newer = await submitOk(org.id, org.owner.cookie, { projectId: project.id, command: ["echo", "newer"] });
    const listed = await page("/jobs", { cookie: sam.cookie.cookie });
    expect(listed.status).toBe(200);
    expect(listed.html).toContain('href="/jobs"');
    expect(listed.html.indexOf("newer")).toBeLessThan(listed.html.indexOf("older job"));
    expect(listed.html).toContain("queued");
    expect(buttons(listed.html).filter((b) => b.startsWith("Cancel"))).toEqual([`Cancel job ${older.id}`]);
    const cancelled = await page(`/jobs/${older.id}/cancel`, { cookie: sam.cookie.cookie, form: { back: "/jobs" } });
    expect(cancelled.status).toBe(303);
    expect(cancelled.location).toBe("/jobs");
    expect((await getJob(org.id, older.id, sam.cookie)).state).toBe("cancelled");
    const after = await page("/jobs", { cookie: withCookies(sam.cookie.cookie, cancelled) });
    expect(buttons(after.html).filter((b) => b.startsWith("Cancel"))).toEqual([]);
    // Another member's job cannot be cancelled through the form either.
    await page(`/jobs/${newer.id}/cancel`, { cookie: sam.cookie.cookie, form: { back: "/jobs" } });
    expect((await getJob(org.id, newer.id, sam.cookie)).state).toBe("queued");
  });

  it("shows a job's command, state and log; the log only to the submitter, Admins and the Owner", async () => {
    const org = await orgWith({ users: 2 });
    const [sam, kim] = org.users;
    const project = await projectWithArchive(org.id, sam!.id);
    const machine = await registerMachine(org.id, sam!.cookie);
    const job = await submitOk(org.id, sam!.cookie, { projectId: project.id, command: ["python", "train.py", "--lr", "0.1"] });
    const lease = (await claim(machine.agent)).body.lease;
    await sendLogs(machine.agent, job.id, lease.token, [{ stream: "stdout", text: "epoch 1 <done>" }]);
    const mine = await page(`/jobs/${job.id}`, { cookie: sam!.cookie.cookie });
    expect(mine.html).toContain("python train.py --lr 0.1");
    expect(mine.html).toContain("running");
    expect(mine.html).toContain("epoch 1 &lt;done&gt;");
    expect(buttons(mine.html)).toContain(`Cancel job ${job.id}`);
    expect((await page(`/jobs/${job.id}`, { cookie: org.owner.cookie.cookie })).html).toContain("epoch 1");
    const other = await page(`/jobs/${job.id}`, { cookie: kim!.cookie.cookie });
    expect(other.status).toBe(200);
    expect(other.html).not.toContain("epoch 1");
    expect(buttons(other.html).some((b) => b.startsWith("Cancel"))).toBe(false);
    expect((await page("/jobs/nope", { cookie: sam!.cookie.cookie })).status).toBe(404);
  });
});
