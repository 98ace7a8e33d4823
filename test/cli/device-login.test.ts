import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { cliEnv, cohort, COHORT, signUp, SYSTEM_NODE, type Person } from "./cli.ts";

const baseURL = inject("baseURL");

/** Device login comes with its own branch of work: these run once the server answers it. */
const hasDeviceLogin =
  (await fetch(`${baseURL}/api/device/code`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })).status ===
  200;

/** Starts `cohort login` and answers the user code it prints, and how it ended. */
function startLogin(home: string) {
  const child = spawn(SYSTEM_NODE, [COHORT, "login", "--url", baseURL], { env: cliEnv(home), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  const userCode = new Promise<string>((resolve) => {
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      const match = /code ([B-Z]{4}-[B-Z]{4})/.exec(stderr);
      if (match?.[1]) resolve(match[1]);
    });
  });
  const ended = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { userCode, ended };
}

async function decide(person: Person, userCode: string, verdict: "approve" | "deny") {
  const response = await fetch(`${baseURL}/api/device/${verdict}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${person.token}` },
    body: JSON.stringify({ userCode }),
  });
  expect(response.status).toBe(200);
}

describe.runIf(hasDeviceLogin)("cohort login (device flow)", () => {
  it("prints the URL and code, waits for approval, stores the token with its id, and logout revokes it", async () => {
    const person = await signUp(baseURL, "device");
    const login = startLogin(person.home);
    const userCode = await login.userCode;
    await decide(person, userCode, "approve");
    const run = await login.ended;
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`${baseURL}/device`);
    expect(run.stdout).toContain(person.username);
    const file = join(person.home, "config", "login.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(file, "utf8"));
    expect(stored).toMatchObject({ url: baseURL, username: person.username, tokenId: expect.any(String), token: expect.any(String) });
    expect(run.stdout + run.stderr).not.toContain(stored.token);
    expect((await cohort(["whoami"], { home: person.home })).stdout).toContain(person.username);

    const logout = await cohort(["logout"], { home: person.home });
    expect(logout.code).toBe(0);
    expect((await fetch(`${baseURL}/api/me`, { headers: { Authorization: `Bearer ${stored.token}` } })).status).toBe(401);
  });

  it("stops with exit code 1 when the login is denied, storing nothing", async () => {
    const person = await signUp(baseURL, "denied");
    const login = startLogin(person.home);
    await decide(person, await login.userCode, "deny");
    const run = await login.ended;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/denied/);
    expect(() => statSync(join(person.home, "config", "login.json"))).toThrow();
  });
});
