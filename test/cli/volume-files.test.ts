import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { cliEnv, cohort, COHORT, json, signIn, signUp, SYSTEM_NODE, unique, type Person } from "./cli.ts";
import { cohortInTmux } from "./tmux.ts";

const baseURL = inject("baseURL");

/** Volume files come with their own branch of work: these run once the server has them. */
async function serverHasFiles(): Promise<boolean> {
  const probe = await signUp(baseURL, "probe");
  const headers = { "Content-Type": "application/json", Authorization: `Bearer ${probe.token}` };
  const { org } = (await (
    await fetch(`${baseURL}/api/orgs`, { method: "POST", headers, body: JSON.stringify({ name: "Probe" }) })
  ).json()) as { org: { id: string } };
  const { volume } = (await (
    await fetch(`${baseURL}/api/orgs/${org.id}/volumes`, { method: "POST", headers, body: JSON.stringify({ name: "p", sizeGb: 1 }) })
  ).json()) as { volume: { id: string } };
  return (await fetch(`${baseURL}/api/orgs/${org.id}/volumes/${volume.id}/files`, { headers })).status === 200;
}
const filesExist = await serverHasFiles();

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe.runIf(filesExist)("volume files from the command line", () => {
  let owner: Person;

  beforeAll(async () => {
    owner = await signUp(baseURL, "files");
    await signIn(baseURL, owner);
    await json(owner, ["org", "create", unique("Files Lab ")]);
    await json(owner, ["volumes", "create", "data", "--size-gb", "1"]);
  });

  it("puts, lists, gets and removes a file, by volume name", async () => {
    const local = join(owner.home, "notes.txt");
    writeFileSync(local, "hello volume\n");
    const plain = await cohort(["volumes", "put", "data", local, "docs/notes.txt"], { home: owner.home });
    // Not a terminal: no progress anywhere, and stdout holds the answer alone.
    expect(plain.stderr).toBe("");
    expect(plain.stdout).toBe("Stored docs/notes.txt (13 bytes) in data.\n");
    const put = await json(owner, ["volumes", "put", "data", local, "docs/notes.txt"]);
    expect(put.file).toMatchObject({ path: "docs/notes.txt", size: 13, sha256: sha256(Buffer.from("hello volume\n")) });
    await json(owner, ["volumes", "put", "data", local]);

    const listed = await json(owner, ["volumes", "ls", "data"]);
    expect(listed.files.map((f: { path: string }) => f.path)).toEqual(["docs/notes.txt", "notes.txt"]);
    expect(listed.usedBytes).toBe(26);
    const prefixed = await cohort(["volumes", "ls", "data", "docs/"], { home: owner.home });
    expect(prefixed.stdout.split("\n")[0]?.split("\t").slice(0, 2)).toEqual(["docs/notes.txt", "13"]);

    const got = await cohort(["volumes", "get", "data", "docs/notes.txt", join(owner.home, "copy.txt")], { home: owner.home });
    expect(got.code).toBe(0);
    expect(readFileSync(join(owner.home, "copy.txt"), "utf8")).toBe("hello volume\n");
    const toStdout = await cohort(["volumes", "get", "data", "notes.txt", "-"], { home: owner.home });
    expect(toStdout.stdout).toBe("hello volume\n");

    expect((await cohort(["volumes", "rm", "data", "notes.txt"], { home: owner.home })).code).toBe(0);
    expect((await json(owner, ["volumes", "ls", "data"])).files).toHaveLength(1);
    expect((await cohort(["volumes", "get", "data", "notes.txt"], { home: owner.home })).code).toBe(1);
  });

  it("refuses paths with . or .. segments before sending anything", async () => {
    const local = join(owner.home, "x.txt");
    writeFileSync(local, "x");
    expect((await cohort(["volumes", "put", "data", local, "a/../b"], { home: owner.home })).code).toBe(2);
    expect((await cohort(["volumes", "get", "data", "./x"], { home: owner.home })).code).toBe(2);
  });

  it("sends a file over 100 MiB as a resumable upload and resumes it after an interruption", async () => {
    const local = join(owner.home, "big.bin");
    const size = 100 * 1024 * 1024 + 12_345;
    const fd = openSync(local, "w");
    const block = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 101; i++) {
      block.fill(i % 251);
      writeSync(fd, block, 0, Math.min(block.length, size - i * block.length));
    }
    closeSync(fd);
    const expected = sha256(readFileSync(local));

    // Stopped once the server holds a few parts, as a crash or Ctrl-C would.
    const child = spawn(SYSTEM_NODE, [COHORT, "volumes", "put", "data", local, "big.bin"], {
      env: cliEnv(owner.home),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let firstStderr = "";
    child.stderr.on("data", (chunk) => (firstStderr += chunk));
    let exited = false;
    const closed = new Promise((resolve) => child.once("close", resolve)).then(() => (exited = true));
    const { volumes } = await json(owner, ["volumes"]);
    const volumeId = volumes.find((v: { name: string }) => v.name === "data").id;
    const { org } = await json(owner, ["org"]);
    const uploads = join(owner.home, "config", "uploads");
    for (let parts = 0; parts < 3 && !exited; ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const [state] = (() => {
        try {
          return readdirSync(uploads);
        } catch {
          return [];
        }
      })();
      if (!state) continue;
      const { uploadId } = JSON.parse(readFileSync(join(uploads, state), "utf8"));
      const answer = await fetch(`${baseURL}/api/orgs/${org.id}/volumes/${volumeId}/uploads/${uploadId}`, {
        headers: { Authorization: `Bearer ${owner.token}` },
      });
      parts = ((await answer.json()) as { parts: unknown[] }).parts.length;
    }
    child.kill("SIGKILL");
    await closed;
    // Not a terminal: the upload sent its parts without a word of progress.
    expect(firstStderr).toBe("");
    expect(readdirSync(uploads)).toHaveLength(1);

    const resumed = await cohort(["volumes", "put", "data", local, "big.bin"], { home: owner.home });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming upload .+: [3-9]\d* of \d+ parts already there/);
    expect(resumed.stderr).not.toMatch(/%/);
    expect(readdirSync(join(owner.home, "config", "uploads"))).toHaveLength(0);
    const { files } = await json(owner, ["volumes", "ls", "data", "big"]);
    expect(files).toEqual([expect.objectContaining({ path: "big.bin", size, sha256: expected })]);
    rmSync(local);
  }, 180_000);

  it("shows bytes sent, the total and the percentage on a terminal's stderr, and nothing of it with CI set", async () => {
    const local = join(owner.home, "two-mib.bin");
    writeFileSync(local, Buffer.alloc(2 * 1024 * 1024, 7));
    const terminal = cohortInTmux(["volumes", "put", "data", local, "tty/two-mib.bin"], owner.home, owner.home);
    try {
      const screen = await terminal.waitFor(/EXIT=\d/);
      expect(screen).toContain("EXIT=0");
      expect(screen).toMatch(/Sending two-mib\.bin: 2\.0 MiB \/ 2\.0 MiB \(100%\)/);
      expect(screen).toContain("Stored tty/two-mib.bin (2097152 bytes) in data.");
    } finally {
      terminal.stop();
    }
    const inCi = cohortInTmux(["volumes", "put", "data", local, "tty/ci.bin"], owner.home, owner.home, { CI: "1" });
    try {
      const screen = await inCi.waitFor(/EXIT=\d/);
      expect(screen).toContain("EXIT=0");
      expect(screen).not.toMatch(/Sending|%/);
    } finally {
      inCi.stop();
    }
  });
});
