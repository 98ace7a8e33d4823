import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The contract promises Node 20: run the CLI on the system's Node, not the pinned 24. */
export const SYSTEM_NODE = "/usr/bin/node";
export const COHORT = join(process.cwd(), "cli/bin/cohort.js");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A fresh home for one person's CLI: its own config directory, nothing inherited. */
export function newHome(): string {
  return mkdtempSync(join(tmpdir(), "cohort-cli-"));
}

/** The environment a CLI run gets: none of the caller's COHORT_* settings leak in. */
export function cliEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, COHORT_CONFIG_DIR: join(home, "config"), ...extra };
}

/** Runs `cohort ...args` with piped stdio (so stdout is not a TTY), optional stdin. */
export function cohort(
  args: string[],
  options: { home: string; env?: Record<string, string>; input?: string; cwd?: string },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(SYSTEM_NODE, [COHORT, ...args], {
      env: cliEnv(options.home, options.env),
      cwd: options.cwd ?? options.home,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

export function unique(prefix: string): string {
  return `${prefix}${randomBytes(4).toString("hex")}`;
}

export interface Person {
  username: string;
  email: string;
  name: string;
  token: string;
  home: string;
}

/** Signs up through the API and makes an API token, as a person would on the dashboard. */
export async function signUp(baseURL: string, label: string): Promise<Person> {
  const username = unique(`${label}_`).toLowerCase();
  const email = `${username}@example.test`;
  const name = `${label[0]?.toUpperCase()}${label.slice(1)} Person`;
  const signUpResponse = await fetch(`${baseURL}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: baseURL },
    body: JSON.stringify({ email, password: "correct horse battery", name, username }),
  });
  if (!signUpResponse.ok) throw new Error(`sign-up: ${signUpResponse.status} ${await signUpResponse.text()}`);
  const cookie = signUpResponse.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const tokenResponse = await fetch(`${baseURL}/api/tokens`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: baseURL, Cookie: cookie },
    body: JSON.stringify({ name: "cli test" }),
  });
  if (tokenResponse.status !== 201) throw new Error(`token: ${tokenResponse.status} ${await tokenResponse.text()}`);
  const { token } = (await tokenResponse.json()) as { token: string };
  return { username, email, name, token, home: newHome() };
}

/** Signs the person's CLI in with their token (login --with-token), against `baseURL`. */
export async function signIn(baseURL: string, person: Person): Promise<void> {
  const run = await cohort(["login", "--with-token", "--url", baseURL], { home: person.home, input: `${person.token}\n` });
  if (run.code !== 0) throw new Error(`login --with-token: ${run.code} ${run.stderr}`);
}

/** Runs the CLI as a signed-in person and insists on success; answers the parsed --json output. */
export async function json<T = any>(person: Person, args: string[]): Promise<T> {
  const run = await cohort([...args, "--json"], { home: person.home });
  if (run.code !== 0) throw new Error(`cohort ${args.join(" ")}: exit ${run.code}\n${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
