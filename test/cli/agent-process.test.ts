import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runProcess } from "../../cli/src/agent/run-job.js";

/**
 * How the agent runs a job's argv on this machine: no server is involved here (the claim,
 * log and heartbeat calls are the hooks), so these run on main before the agent API exists.
 */
type Line = { stream: "stdout" | "stderr"; text: string };

function job(command: string[], extra: Record<string, unknown> = {}) {
  return { id: "job-1", command, timeoutSeconds: 3600, startedAt: new Date().toISOString(), ...extra };
}

function hooks(beat: () => { cancelRequested?: boolean } = () => ({})) {
  return { heartbeat: async () => beat(), flush: async () => {}, isStopping: () => false };
}

const dir = () => mkdtempSync(join(tmpdir(), "cohort-agent-test-"));

describe("the agent's process runner", () => {
  it("runs the argv in the project directory with the job's env and COHORT_VOLUMES, and logs both streams", async () => {
    const cwd = dir();
    writeFileSync(join(cwd, "hello.txt"), "from the archive");
    const lines: Line[] = [];
    const result = await runProcess(
      job([
        "/bin/sh",
        "-c",
        'cat hello.txt; echo; echo "$GREETING $COHORT_VOLUMES"; echo oops >&2; echo out > "$COHORT_VOLUMES/result"; exit 3',
      ]),
      { GREETING: "hi" },
      cwd,
      cwd,
      (stream, text) => lines.push({ stream, text }),
      hooks(),
    );
    expect(result).toEqual({ exitCode: 3, timedOut: false, abandoned: false });
    expect(lines).toEqual(
      expect.arrayContaining([
        { stream: "stdout", text: "from the archive" },
        { stream: "stdout", text: `hi ${cwd}` },
        { stream: "stderr", text: "oops" },
      ]),
    );
    expect(readFileSync(join(cwd, "result"), "utf8")).toBe("out\n");
  });

  it("never hands the CLI's own COHORT_ settings to the job", async () => {
    process.env.COHORT_TOKEN = "secret-of-the-cli";
    const lines: Line[] = [];
    try {
      await runProcess(
        job(["/bin/sh", "-c", 'echo "[$COHORT_TOKEN]"']),
        {},
        dir(),
        dir(),
        (stream, text) => lines.push({ stream, text }),
        hooks(),
      );
    } finally {
      delete process.env.COHORT_TOKEN;
    }
    expect(lines).toEqual([{ stream: "stdout", text: "[]" }]);
  });

  it("answers 127 for a program that does not exist", async () => {
    const lines: Line[] = [];
    const result = await runProcess(job(["/no/such/program"]), {}, dir(), dir(), (stream, text) => lines.push({ stream, text }), hooks());
    expect(result.exitCode).toBe(127);
    expect(lines.at(-1)?.stream).toBe("stderr");
  });

  it("stops the process with SIGTERM when the heartbeat says cancel", async () => {
    const result = await runProcess(
      job(["/bin/sh", "-c", "sleep 30"]),
      {},
      dir(),
      dir(),
      () => {},
      hooks(() => ({ cancelRequested: true })),
      { heartbeatMs: 50 },
    );
    expect(result).toMatchObject({ exitCode: null, timedOut: false });
  });

  it("kills a process that ignores SIGTERM once the grace period ends", async () => {
    const result = await runProcess(
      job(["/bin/sh", "-c", "trap '' TERM; echo ready; while true; do sleep 0.1; done"]),
      {},
      dir(),
      dir(),
      () => {},
      hooks(() => ({ cancelRequested: true })),
      { heartbeatMs: 50, killAfterMs: 200 },
    );
    expect(result.exitCode).toBeNull();
  });

  it("stops the process at its timeout and says so", async () => {
    const lines: Line[] = [];
    const result = await runProcess(
      job(["/bin/sh", "-c", "sleep 30"], { timeoutSeconds: 1, startedAt: new Date(Date.now() - 900).toISOString() }),
      {},
      dir(),
      dir(),
      (stream, text) => lines.push({ stream, text }),
      hooks(),
    );
    expect(result.timedOut).toBe(true);
    expect(lines.some((l) => /timeout/.test(l.text))).toBe(true);
  });
});
