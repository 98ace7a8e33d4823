import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { orgWith } from "../support/org-factories";
import { claim, getJob, projectWithArchive, projectWithoutArchive, registerMachine, submit, submitOk } from "./helpers";

describe("POST /api/orgs/:orgId/jobs", () => {
  it("queues a job with the contract's fields, pinning the project's archive; env shows names only", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const project = await projectWithArchive(org.id, sam.id);
    const created = await submit(org.id, sam.cookie, { projectId: project.id, env: { SECRET_KEY: "hunter2", EPOCHS: "3" } });
    expect(created.status).toBe(201);
    expect(created.body.job).toEqual({
      id: expect.any(String),
      projectId: project.id,
      archiveSha256: project.sha256,
      submitterId: sam.id,
      command: ["python", "train.py"],
      env: ["SECRET_KEY", "EPOCHS"],
      volumeIds: [],
      machineId: null,
      runningOn: null,
      state: "queued",
      failure: null,
      exitCode: null,
      attempt: 1,
      cancelRequested: false,
      timeoutSeconds: 86_400,
      createdAt: expect.stringMatching(/Z$/),
      startedAt: null,
      finishedAt: null,
    });
    expect(JSON.stringify(created.body)).not.toContain("hunter2");
    const shown = await api(`/api/orgs/${org.id}/jobs/${created.body.job.id}`, { as: org.owner.cookie });
    expect(shown.body.job).toEqual(created.body.job);
    const listed = await api(`/api/orgs/${org.id}/jobs`, { as: org.owner.cookie });
    expect(JSON.stringify(listed.body)).not.toContain("hunter2");
    // Not even D1 holds the value in the clear.
    const row = await env.DB.prepare("SELECT * FROM job WHERE id = ?").bind(created.body.job.id).first();
    expect(JSON.stringify(row)).not.toContain("hunter2");
  });

  it.each([
    ["empty command", { command: [] }],
    ["65 argv items", { command: Array.from({ length: 65 }, () => "x") }],
    ["an empty argv string", { command: [""] }],
    ["a 4,097-char argv string", { command: ["x".repeat(4097)] }],
    ["a lower-case env name", { env: { path: "x" } }],
    ["an env name starting with a digit", { env: { "1X": "x" } }],
    ["a 4,097-char env value", { env: { X: "x".repeat(4097) } }],
    ["65 env names", { env: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`V${i}`, "x"])) }],
    ["9 volumes", { volumeIds: Array.from({ length: 9 }, (_, i) => `v${i}`) }],
    ["timeout 0", { timeoutSeconds: 0 }],
    ["timeout 604,801", { timeoutSeconds: 604_801 }],
    ["a fractional timeout", { timeoutSeconds: 1.5 }],
    ["an unknown field", { priority: 1 }],
    ["a non-string env value", { env: { X: 1 } }],
  ])("refuses %s with 400 and queues nothing", async (_name, body) => {
    const org = await orgWith();
    const project = await projectWithArchive(org.id, org.owner.id);
    const response = await submit(org.id, org.owner.cookie, { projectId: project.id, ...body });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_request");
    expect((await api(`/api/orgs/${org.id}/jobs`, { as: org.owner.cookie })).body.jobs).toEqual([]);
  });

  it("accepts the bounds: 64 argv strings of 4,096 chars, 64 env names, timeouts 1 and 604,800", async () => {
    const org = await orgWith();
    const project = await projectWithArchive(org.id, org.owner.id);
    const env = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`V_${i}`, "x".repeat(100)]));
    expect(
      (await submit(org.id, org.owner.cookie, { projectId: project.id, command: Array.from({ length: 10 }, () => "x".repeat(4096)), env }))
        .status,
    ).toBe(201);
    expect((await submit(org.id, org.owner.cookie, { projectId: project.id, command: Array.from({ length: 64 }, () => "a") })).status).toBe(
      201,
    );
    expect((await submit(org.id, org.owner.cookie, { projectId: project.id, timeoutSeconds: 1 })).body.job.timeoutSeconds).toBe(1);
    expect((await submit(org.id, org.owner.cookie, { projectId: project.id, timeoutSeconds: 604_800 })).body.job.timeoutSeconds).toBe(
      604_800,
    );
  });

  it("refuses a project with no archive (409), an unknown project (404), another org's project (404)", async () => {
    const org = await orgWith();
    const other = await orgWith();
    const empty = await projectWithoutArchive(org.id, org.owner.id);
    const foreign = await projectWithArchive(other.id, other.owner.id);
    expect((await submit(org.id, org.owner.cookie, { projectId: empty })).status).toBe(409);
    expect((await submit(org.id, org.owner.cookie, { projectId: empty })).body.error.code).toBe("conflict");
    expect((await submit(org.id, org.owner.cookie, { projectId: "nope" })).status).toBe(404);
    expect((await submit(org.id, org.owner.cookie, { projectId: foreign.id })).status).toBe(404);
    expect((await submit(other.id, org.owner.cookie, { projectId: foreign.id })).status).toBe(404);
  });

  it("takes only the submitter's own volumes: another's is 403, an unknown one 404", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const project = await projectWithArchive(org.id, sam.id);
    const mine = (await api(`/api/orgs/${org.id}/volumes`, { body: { name: "data", sizeGb: 1 }, as: sam.cookie })).body.volume;
    const theirs = (await api(`/api/orgs/${org.id}/volumes`, { body: { name: "owner's", sizeGb: 1 }, as: org.owner.cookie })).body.volume;
    expect((await submit(org.id, sam.cookie, { projectId: project.id, volumeIds: [theirs.id] })).status).toBe(403);
    expect((await submit(org.id, sam.cookie, { projectId: project.id, volumeIds: [mine.id, "nope"] })).status).toBe(404);
    const job = await submitOk(org.id, sam.cookie, { projectId: project.id, volumeIds: [mine.id] });
    expect(job.volumeIds).toEqual([mine.id]);
  });

  it("pins to one's own machine or a shared one; another's unshared machine is 403, an unknown one 404", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const project = await projectWithArchive(org.id, sam.id);
    const own = await registerMachine(org.id, sam.cookie);
    const shared = await registerMachine(org.id, org.owner.cookie, { shared: true });
    const privateOne = await registerMachine(org.id, org.owner.cookie);
    expect((await submit(org.id, sam.cookie, { projectId: project.id, machineId: privateOne.id })).status).toBe(403);
    expect((await submit(org.id, sam.cookie, { projectId: project.id, machineId: "nope" })).status).toBe(404);
    expect((await submitOk(org.id, sam.cookie, { projectId: project.id, machineId: own.id })).machineId).toBe(own.id);
    expect((await submitOk(org.id, sam.cookie, { projectId: project.id, machineId: shared.id })).machineId).toBe(shared.id);
  });

  it("keeps the pinned archive when the project is re-uploaded", async () => {
    const org = await orgWith();
    const project = await projectWithArchive(org.id, org.owner.id, "first");
    const job = await submitOk(org.id, org.owner.cookie, { projectId: project.id });
    await env.DB.prepare("UPDATE project SET archive_key = 'elsewhere', archive_sha256 = 'other' WHERE id = ?").bind(project.id).run();
    const machine = await registerMachine(org.id, org.owner.cookie);
    const claimed = (await claim(machine.agent)).body;
    expect(claimed.job.archiveSha256).toBe(project.sha256);
    const archive = await api(`/api/agent/jobs/${job.id}/archive`, { as: machine.agent });
    expect(archive.status).toBe(200);
    expect(archive.body).toBe("first");
    expect(archive.headers.get("ETag")).toBe(`"${project.sha256}"`);
    expect(archive.headers.get("Content-Length")).toBe("5");
    expect((await getJob(org.id, job.id, org.owner.cookie)).archiveSha256).toBe(project.sha256);
  });

  it("is 404 to a non-member on every jobs path", async () => {
    const org = await orgWith();
    const outsider = await orgWith();
    const project = await projectWithArchive(org.id, org.owner.id);
    const job = await submitOk(org.id, org.owner.cookie, { projectId: project.id });
    expect((await submit(org.id, outsider.owner.cookie, { projectId: project.id })).status).toBe(404);
    expect((await api(`/api/orgs/${org.id}/jobs`, { as: outsider.owner.cookie })).status).toBe(404);
    expect((await api(`/api/orgs/${org.id}/jobs/${job.id}`, { as: outsider.owner.cookie })).status).toBe(404);
    expect((await api(`/api/orgs/${org.id}/jobs/${job.id}/logs`, { as: outsider.owner.cookie })).status).toBe(404);
    expect((await api(`/api/orgs/${org.id}/jobs/${job.id}/cancel`, { method: "POST", as: outsider.owner.cookie })).status).toBe(404);
    expect((await api(`/api/orgs/${outsider.id}/jobs/${job.id}`, { as: outsider.owner.cookie })).status).toBe(404);
  });
});

describe("GET /api/orgs/:orgId/jobs", () => {
  it("lists newest first with a cursor, and filters by state and mine=1", async () => {
    const org = await orgWith({ users: 1 });
    const sam = org.users[0]!;
    const project = await projectWithArchive(org.id, sam.id);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await submitOk(org.id, i % 2 ? sam.cookie : org.owner.cookie, { projectId: project.id })).id);
    await api(`/api/orgs/${org.id}/jobs/${ids[0]}/cancel`, { method: "POST", as: org.owner.cookie });
    const first = await api(`/api/orgs/${org.id}/jobs?limit=2`, { as: sam.cookie });
    expect(first.body.jobs.map((j: { id: string }) => j.id)).toEqual([ids[4], ids[3]]);
    const second = await api(`/api/orgs/${org.id}/jobs?limit=2&cursor=${first.body.nextCursor}`, { as: sam.cookie });
    expect(second.body.jobs.map((j: { id: string }) => j.id)).toEqual([ids[2], ids[1]]);
    const third = await api(`/api/orgs/${org.id}/jobs?limit=2&cursor=${second.body.nextCursor}`, { as: sam.cookie });
    expect(third.body.jobs.map((j: { id: string }) => j.id)).toEqual([ids[0]]);
    expect(third.body.nextCursor).toBeNull();
    const mine = await api(`/api/orgs/${org.id}/jobs?mine=1`, { as: sam.cookie });
    expect(mine.body.jobs.map((j: { id: string }) => j.id)).toEqual([ids[3], ids[1]]);
    const cancelled = await api(`/api/orgs/${org.id}/jobs?state=cancelled`, { as: sam.cookie });
    expect(cancelled.body.jobs.map((j: { id: string }) => j.id)).toEqual([ids[0]]);
    expect((await api(`/api/orgs/${org.id}/jobs`, { as: sam.cookie })).body.jobs).toHaveLength(5);
  });

  it.each(["limit=0", "limit=101", "limit=abc", "state=done"])("refuses ?%s with 400", async (query) => {
    const org = await orgWith();
    expect((await api(`/api/orgs/${org.id}/jobs?${query}`, { as: org.owner.cookie })).status).toBe(400);
  });
});
