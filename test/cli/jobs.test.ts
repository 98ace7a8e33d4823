import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { cohort, json, signIn, signUp, unique, type Person } from "./cli.ts";

const baseURL = inject("baseURL");

/** Projects, jobs and the agent API come with their own branches of work: these run once the server has them. */
async function serverHasJobs(): Promise<boolean> {
  const probe = await signUp(baseURL, "probe");
  const headers = { "Content-Type": "application/json", Authorization: `Bearer ${probe.token}` };
  const { org } = (await (await fetch(`${baseURL}/api/orgs`, { method: "POST", headers, body: JSON.stringify({ name: "Probe" }) })).json()) as { org: { id: string } };
  const [projects, jobs] = await Promise.all([fetch(`${baseURL}/api/orgs/${org.id}/projects`, { headers }), fetch(`${baseURL}/api/orgs/${org.id}/jobs`, { headers })]);
  const agent = await fetch(`${baseURL}/api/agent/claim`, { method: "POST", headers });
  return projects.status === 200 && jobs.status === 200 && agent.status === 401;
}
const jobsExist = await serverHasJobs();

describe.runIf(jobsExist)("projects, jobs and the agent from the command line", () => {
  let owner: Person;
  let projectDir: string;

  beforeAll(async () => {
    owner = await signUp(baseURL, "runner");
    await signIn(baseURL, owner);
    await json(owner, ["org", "create", unique("Jobs Lab ")]);
    projectDir = join(mkdtempSync(join(tmpdir(), "cohort-project-")), "demo");
    mkdirSync(join(projectDir, "lib"), { recursive: true });
    writeFileSync(join(projectDir, "run.sh"), 'echo "$GREETING from $(cat lib/name.txt)"\necho "to stderr" >&2\nexit "${1:-0}"\n');
    writeFileSync(join(projectDir, "lib", "name.txt"), "the archive");
  });

  it("pushes a directory as a new project named after it, then replaces its archive", async () => {
    const first = await json(owner, ["projects", "push", projectDir]);
    expect(first.project).toMatchObject({ name: "demo", archive: { size: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    writeFileSync(join(projectDir, "lib", "name.txt"), "the new archive");
    const second = await cohort(["projects", "push", projectDir], { home: owner.home });
    expect(second.code).toBe(0);
    const { projects } = await json(owner, ["projects"]);
    expect(projects).toHaveLength(1);
    expect(projects[0].archive.sha256).not.toBe(first.project.archive.sha256);
    const named = await json(owner, ["projects", "push", projectDir, "--name", "other"]);
    expect(named.project.name).toBe("other");
  });

  it("queues a job, prints its id alone, and the agent runs it to success with its env and log", async () => {
    await json(owner, ["machines", "register", "runner-box"]);
    const run = await cohort(["run", "--project", "demo", "--env", "GREETING=hello", "--", "sh", "run.sh"], { home: owner.home });
    expect(run.code).toBe(0);
    const id = run.stdout.trim();
    expect(id).toMatch(/^\S+$/);
    expect((await json(owner, ["jobs", "show", id])).job).toMatchObject({ state: "queued", command: ["sh", "run.sh"], env: ["GREETING"] });
    expect((await cohort(["jobs"], { home: owner.home })).stdout).toContain(`${id}\tqueued`);

    const agent = await cohort(["agent", "--once"], { home: owner.home });
    expect(agent.code, agent.stderr).toBe(0);
    const { job } = await json(owner, ["jobs", "show", id]);
    expect(job).toMatchObject({ state: "succeeded", exitCode: 0 });
    const logs = await cohort(["jobs", "logs", id], { home: owner.home });
    expect(logs.stdout).toContain("hello from the new archive");
    expect(logs.stderr).toContain("to stderr");
    const followed = await cohort(["jobs", "logs", id, "--follow"], { home: owner.home });
    expect(followed.code).toBe(0);
  });

  it("reports a failing exit code", async () => {
    const id = (await cohort(["run", "--project", "demo", "--", "sh", "run.sh", "3"], { home: owner.home })).stdout.trim();
    expect((await cohort(["agent", "--once"], { home: owner.home })).code).toBe(0);
    expect((await json(owner, ["jobs", "show", id])).job).toMatchObject({ state: "failed", failure: "exit_code", exitCode: 3 });
  });

  it("cancels a queued job, and the agent finds nothing to run", async () => {
    const id = (await cohort(["run", "--project", "demo", "--", "sleep", "60"], { home: owner.home })).stdout.trim();
    const cancel = await cohort(["jobs", "cancel", id], { home: owner.home });
    expect(cancel.code).toBe(0);
    expect((await json(owner, ["jobs", "show", id])).job.state).toBe("cancelled");
    const agent = await cohort(["agent", "--once"], { home: owner.home });
    expect(agent.code).toBe(0);
    expect(agent.stderr).toContain("No job");
  });

  it("refuses a run without a command or with a bad --env as wrong usage", async () => {
    expect((await cohort(["run", "--project", "demo"], { home: owner.home })).code).toBe(2);
    expect((await cohort(["run", "--project", "demo", "--env", "NOEQUALS", "--", "true"], { home: owner.home })).code).toBe(2);
    expect((await cohort(["run", "--project", "no-such-project", "--", "true"], { home: owner.home })).code).toBe(1);
  });
});
