import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { configDir, resolveConnection } from "../../cli/src/config.js";
import { cohort, json, newHome, signIn, signUp, type Person } from "./cli.ts";

const baseURL = inject("baseURL");

/** A server that answers GET /api/me for whoever asks and records who asked, to see where the CLI went. */
async function recorder(name: string): Promise<{ url: string; seen: IncomingHttpHeaders[]; server: Server }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    seen.push(request.headers);
    response.setHeader("Content-Type", "application/json");
    response.end(JSON.stringify({ user: { id: "u", email: "e", username: name, name }, org: null, role: null }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("no address");
  return { url: `http://127.0.0.1:${address.port}`, seen, server };
}

describe("where the CLI connects and as whom", () => {
  let a: Awaited<ReturnType<typeof recorder>>;
  let b: Awaited<ReturnType<typeof recorder>>;

  beforeAll(async () => {
    [a, b] = await Promise.all([recorder("from-a"), recorder("from-b")]);
  });
  afterAll(() => {
    a.server.close();
    b.server.close();
  });

  it("takes --url over COHORT_URL, and --token over COHORT_TOKEN", async () => {
    const home = newHome();
    const run = await cohort(["whoami", "--url", b.url, "--token", "flag-token"], {
      home,
      env: { COHORT_URL: a.url, COHORT_TOKEN: "env-token" },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("from-b");
    expect(a.seen).toHaveLength(0);
    expect(b.seen.at(-1)?.authorization).toBe("Bearer flag-token");
  });

  it("takes COHORT_URL and COHORT_TOKEN over the stored login", async () => {
    const home = newHome();
    const login = await cohort(["login", "--with-token", "--url", b.url], { home, input: "stored-token\n" });
    expect(login.code).toBe(0);
    const run = await cohort(["whoami"], { home, env: { COHORT_URL: a.url, COHORT_TOKEN: "env-token" } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("from-a");
    expect(a.seen.at(-1)?.authorization).toBe("Bearer env-token");
  });

  it("uses the stored login's URL and token when nothing else is given", async () => {
    const home = newHome();
    await cohort(["login", "--with-token", "--url", b.url], { home, input: "stored-token\n" });
    const before = b.seen.length;
    const run = await cohort(["whoami"], { home });
    expect(run.stdout).toContain("from-b");
    expect(b.seen.length).toBe(before + 1);
    expect(b.seen.at(-1)?.authorization).toBe("Bearer stored-token");
  });

  it("never sends the stored token to another server", async () => {
    const home = newHome();
    await cohort(["login", "--with-token", "--url", b.url], { home, input: "stored-token\n" });
    const before = a.seen.length;
    const run = await cohort(["whoami", "--url", a.url], { home });
    expect(run.code).toBe(4);
    expect(a.seen.length).toBe(before);
  });

  it("falls back to http://127.0.0.1:8787 and finds its directory as the contract orders", () => {
    const home = newHome();
    expect(resolveConnection({}, { COHORT_CONFIG_DIR: join(home, "none") })).toMatchObject({
      url: "http://127.0.0.1:8787",
      token: undefined,
    });
    expect(configDir({ COHORT_CONFIG_DIR: "/x/c", XDG_CONFIG_HOME: "/x/xdg", HOME: "/x/h" })).toBe("/x/c");
    expect(configDir({ XDG_CONFIG_HOME: "/x/xdg" })).toBe("/x/xdg/cohort");
  });

  it("uses $XDG_CONFIG_HOME/cohort when COHORT_CONFIG_DIR is not set", async () => {
    const home = newHome();
    const xdg = join(home, "xdg");
    const run = await cohort(["login", "--with-token", "--url", b.url], {
      home,
      input: "t\n",
      env: { COHORT_CONFIG_DIR: "", XDG_CONFIG_HOME: xdg },
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(join(xdg, "cohort", "login.json"), "utf8")).url).toBe(b.url);
  });
});

describe("cohort login --with-token against the real API", () => {
  let person: Person;

  beforeAll(async () => {
    person = await signUp(baseURL, "ada");
  });

  it("checks the token, stores it readable by its owner alone, and never prints it", async () => {
    const run = await cohort(["login", "--with-token", "--url", baseURL], { home: person.home, input: `${person.token}\n` });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(person.username);
    expect(run.stdout + run.stderr).not.toContain(person.token);
    const dir = join(person.home, "config");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "login.json")).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, "login.json"), "utf8"))).toEqual({
      url: baseURL,
      token: person.token,
      tokenId: null,
      username: person.username,
    });
  });

  it("tightens a config directory that was made too open", async () => {
    const home = newHome();
    mkdirSync(join(home, "config"), { mode: 0o755 });
    const run = await cohort(["login", "--with-token", "--url", baseURL], { home, input: `${person.token}\n` });
    expect(run.code).toBe(0);
    expect(statSync(join(home, "config")).mode & 0o777).toBe(0o700);
  });

  it("refuses a wrong token with exit code 4 and stores nothing", async () => {
    const home = newHome();
    const run = await cohort(["login", "--with-token", "--url", baseURL], { home, input: "coh_not-a-token\n" });
    expect(run.code).toBe(4);
    expect(run.stderr).not.toBe("");
    expect(() => statSync(join(home, "config", "login.json"))).toThrow();
  });

  it("prints the API's answer alone with --json", async () => {
    const run = await cohort(["whoami", "--json"], { home: person.home });
    expect(run.code).toBe(0);
    const me = JSON.parse(run.stdout);
    expect(me).toEqual({ user: expect.objectContaining({ username: person.username }), org: null, role: null });
  });

  it("says there is no organization and how to get one", async () => {
    const run = await cohort(["whoami"], { home: person.home });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^${person.username} · no organization`));
    expect(run.stdout).toContain("cohort org create");
    expect(run.stdout).toContain("cohort join");
  });

  it("forgets a token of unknown id on logout and warns that it stays valid", async () => {
    const home = newHome();
    await cohort(["login", "--with-token", "--url", baseURL], { home, input: `${person.token}\n` });
    const run = await cohort(["logout"], { home });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/stays valid/);
    expect(() => statSync(join(home, "config", "login.json"))).toThrow();
    expect((await cohort(["whoami"], { home })).code).toBe(4);
    // Still valid on the server, as the warning says.
    expect((await cohort(["whoami", "--url", baseURL, "--token", person.token], { home })).code).toBe(0);
  });

  it("revokes the stored token on logout when its id is known", async () => {
    const home = newHome();
    const created = await fetch(`${baseURL}/api/tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${person.token}` },
      body: JSON.stringify({ name: "to revoke" }),
    });
    const { id, token } = (await created.json()) as { id: string; token: string };
    mkdirSync(join(home, "config"), { mode: 0o700 });
    writeFileSync(join(home, "config", "login.json"), JSON.stringify({ url: baseURL, token, tokenId: id, username: person.username }), {
      mode: 0o600,
    });
    expect((await cohort(["logout"], { home })).code).toBe(0);
    const after = await fetch(`${baseURL}/api/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  });
});

describe("exit codes", () => {
  it("ends wrong usage with 2", async () => {
    const home = newHome();
    for (const args of [
      ["no-such-command"],
      ["members", "promote"],
      ["whoami", "--no-such-flag"],
      ["codes", "create", "--count", "many", "--token", "t"],
    ]) {
      const run = await cohort(args, { home });
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stdout).toBe("");
    }
  });

  it("ends with 4 when there is no token", async () => {
    const run = await cohort(["members", "--url", baseURL], { home: newHome() });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/cohort login/);
  });

  it("ends with 4 when the API answers 401", async () => {
    const run = await cohort(["whoami", "--url", baseURL, "--token", "coh_revoked"], { home: newHome() });
    expect(run.code).toBe(4);
  });

  it("ends with 1 and the API's message on a refusal", async () => {
    const person = await signUp(baseURL, "refused");
    await signIn(baseURL, person);
    const run = await cohort(["join", "0000-0000"], { home: person.home });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^cohort: .+/);
    await json(person, ["whoami"]);
  });
});
