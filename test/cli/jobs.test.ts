import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { list as listTar } from "tar";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { cliEnv, cohort, COHORT, json, signIn, signUp, SYSTEM_NODE, unique, type Person } from "./cli.ts";

const baseURL = inject("baseURL");

/** Projects, jobs and the agent API come with their own branches of work: these run once the server has them. */
async function serverHasJobs(): Promise<boolean> {
  const probe = await signUp(baseURL, "probe");
  const headers = { "Content-Type": "application/json", Authorization: `Bearer ${probe.token}` };
  const { org } = (await (
    await fetch(`${baseURL}/api/orgs`, { method: "POST", headers, body: JSON.stringify({ name: "Probe" }) })
  ).json()) as { org: { id: string } };
  const [projects, jobs] = await Promise.all([
    fetch(`${baseURL}/api/orgs/${org.id}/projects`, { headers }),
    fetch(`${baseURL}/api/orgs/${org.id}/jobs`, { headers }),
  ]);
  const agent = await fetch(`${baseURL}/api/agent/claim`, { method: "POST", headers });
  return projects.status === 200 && jobs.status === 200 && agent.status === 401;
}
const jobsExist = await serverHasJobs();

/** An API GET as the person, for what the CLI does not print: archives and volume bytes. */
async function apiGet(person: Person, path: string): Promise<Response> {
  return fetch(`${baseURL}${path}`, { headers: { Authorization: `Bearer ${person.token}` } });
}

/** The entry names of a gzipped tar, as `tar -t` would list them. */
async function tarEntries(bytes: Buffer): Promise<string[]> {
  const file = join(mkdtempSync(join(tmpdir(), "cohort-archive-")), "archive.tar.gz");
  writeFileSync(file, bytes);
  const names: string[] = [];
  await listTar({ file, onReadEntry: (entry) => names.push(entry.path.replace(/^\.\//, "").replace(/\/$/, "")) });
  return names.filter((name) => name !== "" && name !== ".").sort();
}

/** `cohort agent` as a long-running process, with its stderr collected. */
function startAgent(person: Person, args: string[] = []) {
  const child: ChildProcess = spawn(SYSTEM_NODE, [COHORT, "agent", ...args], {
    env: cliEnv(person.home),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Whether a process is still there (a zombie already reaped by the agent is not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.runIf(jobsExist)("projects, jobs and the agent from the command line", () => {
  let owner: Person;
  let projectDir: string;

  beforeAll(async () => {
    owner = await signUp(baseURL, "runner");
    await signIn(baseURL, owner);
    await json(owner, ["org", "create", unique("Jobs Lab ")]);
    projectDir = join(mkdtempSync(join(tmpdir(), "cohort-project-")), "demo");
    mkdirSync(join(projectDir, "lib"), { recursive: true });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell script's own parameter expansion.
    writeFileSync(join(projectDir, "run.sh"), 'echo "$GREETING from $(cat lib/name.txt)"\necho "to stderr" >&2\nexit "${1:-0}"\n');
    writeFileSync(join(projectDir, "lib", "name.txt"), "the archive");
  });

  it("pushes a directory as a new project named after it, then replaces its archive", async () => {
    const first = await json(owner, ["projects", "push", projectDir]);
    expect(first.project).toMatchObject({
      name: "demo",
      archive: { size: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    writeFileSync(join(projectDir, "lib", "name.txt"), "the new archive");
    const second = await cohort(["projects", "push", projectDir], { home: owner.home });
    expect(second.code).toBe(0);
    const { projects } = await json(owner, ["projects"]);
    expect(projects).toHaveLength(1);
    expect(projects[0].archive.sha256).not.toBe(first.project.archive.sha256);
    const named = await json(owner, ["projects", "push", projectDir, "--name", "other"]);
    expect(named.project.name).toBe("other");
  });

  it("leaves out of the archive what .cohortignore names, and the .cohortignore itself", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "cohort-project-")), "ignoring");
    for (const sub of ["src", "build/out", "data", "logs"]) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, ".cohortignore"), "# build output and secrets\n\nbuild/\n*.log\n!keep.log\n.env\ndata/*.bin\n");
    for (const file of [
      "main.py",
      "src/util.py",
      "build/out/a.o",
      "debug.log",
      "logs/run.log",
      "keep.log",
      ".env",
      "data/big.bin",
      "data/small.csv",
    ])
      writeFileSync(join(dir, file), file);
    const { project } = await json(owner, ["projects", "push", dir]);
    const { org } = await json(owner, ["org"]);
    const archive = await apiGet(owner, `/api/orgs/${org.id}/projects/${project.id}/archive`);
    expect(archive.status).toBe(200);
    const entries = await tarEntries(Buffer.from(await archive.arrayBuffer()));
    expect(entries).toEqual(["data", "data/small.csv", "keep.log", "logs", "main.py", "src", "src/util.py"]);
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

  it("runs a pushed project that writes into a volume: the job, its log and the volume's file show it", async () => {
    const { volume } = await json(owner, ["volumes", "create", unique("results-"), "--size-gb", "1"]);
    const dir = join(mkdtempSync(join(tmpdir(), "cohort-project-")), "writer");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "write.sh"),
      'mkdir -p "$COHORT_VOLUMES/$1/runs"\necho "result of $COHORT_JOB_ID" > "$COHORT_VOLUMES/$1/runs/out.txt"\necho "wrote runs/out.txt"\n',
    );
    await json(owner, ["projects", "push", dir]);
    const id = (
      await cohort(["run", "--project", "writer", "--volume", volume.name, "--", "sh", "write.sh", volume.name], { home: owner.home })
    ).stdout.trim();

    const agent = await cohort(["agent", "--once"], { home: owner.home });
    expect(agent.code, agent.stderr).toBe(0);
    expect((await json(owner, ["jobs", "show", id])).job).toMatchObject({
      state: "succeeded",
      exitCode: 0,
      volumeIds: [volume.id],
      finishedAt: expect.any(String),
    });
    const logs = await cohort(["jobs", "logs", id], { home: owner.home });
    expect(logs.stdout).toContain("wrote runs/out.txt");
    const { org } = await json(owner, ["org"]);
    const file = await apiGet(owner, `/api/orgs/${org.id}/volumes/${volume.id}/files/runs/out.txt`);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe(`result of ${id}\n`);
  });

  it("cancels a running job: the agent stops it with SIGTERM within seconds and the job ends cancelled", async () => {
    const marks = mkdtempSync(join(tmpdir(), "cohort-marks-"));
    const pidFile = join(marks, "pid");
    // The shell traps SIGTERM to leave a mark, so the test sees the signal the job got.
    const script = `trap 'echo TERM > ${marks}/signal; exit 143' TERM; echo $$ > ${pidFile}; sleep 30 & wait`;
    const id = (await cohort(["run", "--project", "demo", "--", "sh", "-c", script], { home: owner.home })).stdout.trim();
    const agent = startAgent(owner, ["--once"]);
    try {
      await until("the job's process started", () => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim());
      expect((await json(owner, ["jobs", "show", id])).job.state).toBe("running");
      const cancelledAt = Date.now();
      const cancel = await cohort(["jobs", "cancel", id], { home: owner.home });
      expect(cancel.code).toBe(0);
      expect(await agent.exited, agent.stderr()).toBe(0);
      // The heartbeat (every 5 s) brings the cancel; far sooner than the 30 s the job would sleep.
      expect(Date.now() - cancelledAt).toBeLessThan(15_000);
      expect(readFileSync(join(marks, "signal"), "utf8").trim()).toBe("TERM");
      expect((await json(owner, ["jobs", "show", id])).job).toMatchObject({ state: "cancelled", cancelRequested: true });
    } finally {
      agent.child.kill("SIGKILL");
    }
  });

  it("stops cleanly on Ctrl-C while idle, with exit code 0", async () => {
    const agent = startAgent(owner);
    await until("the agent waits for jobs", () => /waiting for jobs/.test(agent.stderr()));
    await new Promise((resolve) => setTimeout(resolve, 500));
    agent.child.kill("SIGINT");
    expect(await agent.exited, agent.stderr()).toBe(0);
    expect(agent.stderr()).toContain("Stopping");
  });

  it("on Ctrl-C mid-job stops the job's process and leaves the job to its lease, to be queued again", async () => {
    const marks = mkdtempSync(join(tmpdir(), "cohort-marks-"));
    const pidFile = join(marks, "pid");
    const id = (
      await cohort(["run", "--project", "demo", "--", "sh", "-c", `echo $$ > ${pidFile}; exec sleep 30`], { home: owner.home })
    ).stdout.trim();
    const agent = startAgent(owner);
    try {
      const pid = Number(await until("the job's process started", () => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim()));
      agent.child.kill("SIGINT");
      expect(await agent.exited, agent.stderr()).toBe(0);
      expect(alive(pid)).toBe(false);
      expect(agent.stderr()).toMatch(/goes back to the queue when its lease runs out/);
      // Not finished by the agent: still its lease's until the server re-queues it (attempt + 1).
      expect((await json(owner, ["jobs", "show", id])).job).toMatchObject({
        state: "running",
        attempt: 1,
        exitCode: null,
        finishedAt: null,
      });
    } finally {
      agent.child.kill("SIGKILL");
      await cohort(["jobs", "cancel", id], { home: owner.home });
    }
  });
});
