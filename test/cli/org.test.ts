import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { cohort, json, signIn, signUp, unique, type Person } from "./cli.ts";
import { cohortInTmux } from "./tmux.ts";

const baseURL = inject("baseURL");

async function person(label: string): Promise<Person> {
  const p = await signUp(baseURL, label);
  await signIn(baseURL, p);
  return p;
}

/** One fresh user code of the owner's org. */
async function code(owner: Person, extra: string[] = []): Promise<string> {
  const { codes } = await json(owner, ["codes", "create", ...extra]);
  return codes[0].code;
}

describe("an organization's life from the command line", () => {
  const orgName = unique("Lab ");
  let owner: Person;
  let student: Person;
  let other: Person;

  beforeAll(async () => {
    [owner, student, other] = await Promise.all([person("owner"), person("student"), person("other")]);
  });

  it("creates an org with `org create` and shows it in whoami", async () => {
    const created = await cohort(["org", "create", orgName], { home: owner.home });
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(orgName);
    const whoami = await cohort(["whoami"], { home: owner.home });
    expect(whoami.stdout.trim()).toBe(`${owner.username} · ${orgName} · owner`);
  });

  it("refuses a second org with the API's message", async () => {
    const run = await cohort(["org", "create", "Another"], { home: owner.home });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cohort: /);
  });

  it("edits the profile with `org edit` and shows it with `org`", async () => {
    const edited = await json(owner, [
      "org",
      "edit",
      "--website",
      "https://lab.example.edu",
      "--university",
      "University of Example",
      "--description",
      "We see.",
    ]);
    expect(edited.org).toMatchObject({
      name: orgName,
      website: "https://lab.example.edu",
      universityName: "University of Example",
      description: "We see.",
    });
    const shown = await cohort(["org"], { home: owner.home });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("University: University of Example");
    expect(shown.stdout).toContain(`${owner.username}\t${owner.name}\towner`);
    const asJson = await json(owner, ["org"]);
    expect(asJson.leadership).toEqual([expect.objectContaining({ username: owner.username, role: "owner" })]);
  });

  it("refuses `org edit` with nothing to change as wrong usage", async () => {
    expect((await cohort(["org", "edit"], { home: owner.home })).code).toBe(2);
  });

  it("makes codes, and a student joins with one", async () => {
    const joined = await cohort(["join", await code(owner)], { home: student.home });
    expect(joined.code).toBe(0);
    expect(joined.stdout).toContain(`Joined ${orgName} as user`);
    expect((await cohort(["whoami"], { home: student.home })).stdout.trim()).toBe(`${student.username} · ${orgName} · user`);
  });

  it("lists members as tab-separated rows when piped", async () => {
    const run = await cohort(["members"], { home: owner.home });
    expect(run.code).toBe(0);
    const rows = run.stdout
      .replace(/\n$/, "")
      .split("\n")
      .map((line) => line.split("\t"));
    expect(rows).toEqual(
      expect.arrayContaining([
        [owner.username, owner.name, "owner", ""],
        [student.username, student.name, "user", ""],
      ]),
    );
    expect(rows).toHaveLength(2);
  });

  it("lists members in aligned columns under the org's name on a terminal", async () => {
    const terminal = cohortInTmux(["members"], owner.home, owner.home);
    try {
      const screen = await terminal.waitFor(/EXIT=\d/);
      expect(screen).toContain(`Members of ${orgName}`);
      expect(screen).toMatch(/USERNAME\s+NAME\s+ROLE\s+MACHINES/);
      expect(screen).not.toContain("\t");
      expect(screen).toContain("EXIT=0");
    } finally {
      terminal.stop();
    }
  });

  it("promotes and demotes a member by username", async () => {
    const promoted = await json(owner, ["members", "promote", student.username]);
    expect(promoted.member).toMatchObject({ role: "admin" });
    expect((await cohort(["whoami"], { home: student.home })).stdout).toContain("· admin");
    const demoted = await cohort(["members", "demote", student.username], { home: owner.home });
    expect(demoted.code).toBe(0);
    expect((await cohort(["whoami"], { home: student.home })).stdout).toContain("· user");
  });

  it("refuses a User promoting anyone, with the API's message", async () => {
    const run = await cohort(["members", "promote", owner.username], { home: student.home });
    expect(run.code).toBe(1);
    expect(run.stderr).not.toBe("");
  });

  it("writes labelled codes to a CSV file with --out", async () => {
    const labels = join(owner.home, "labels.txt");
    writeFileSync(labels, "Ada Lovelace\n=SUM(1)\n");
    const out = join(owner.home, "codes.csv");
    const run = await cohort(["codes", "create", "--labels", labels, "--out", out], { home: owner.home });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("2 codes");
    const lines = readFileSync(out, "utf8").trim().split(/\r?\n/);
    expect(lines[0]).toBe("code,role,expires_at,label");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^\d{4}-\d{4},user,.+,Ada Lovelace$/);
    expect(lines[2]).not.toMatch(/,=SUM/);
    // The codes are secrets until handed out: the file is its owner's alone.
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it("lists, revokes, and lists redeemed codes", async () => {
    const { codes } = await json(owner, ["codes", "create", "--count", "2"]);
    expect(codes).toHaveLength(2);
    const list = await json(owner, ["codes", "list"]);
    const ids = list.codes.map((c: { id: string }) => c.id);
    expect(ids).toEqual(expect.arrayContaining(codes.map((c: { id: string }) => c.id)));
    const piped = await cohort(["codes", "list"], { home: owner.home });
    expect(piped.stdout).toContain(`${codes[0].id}\t••••-${codes[0].code.slice(-4)}`);

    const revoke = await cohort(["codes", "revoke", codes[0].id], { home: owner.home });
    expect(revoke.code).toBe(0);
    const after = await json(owner, ["codes", "list"]);
    expect(after.codes.map((c: { id: string }) => c.id)).not.toContain(codes[0].id);
    const refused = await cohort(["join", codes[0].code], { home: other.home });
    expect(refused.code).toBe(1);

    const redeemed = await json(owner, ["codes", "list", "--redeemed"]);
    expect(redeemed.codes).toEqual(
      expect.arrayContaining([expect.objectContaining({ redeemedBy: expect.objectContaining({ username: student.username }) })]),
    );
  });

  it("shows the audit log with --limit", async () => {
    const { events } = await json(owner, ["events", "--limit", "3"]);
    expect(events).toHaveLength(3);
    const all = await json(owner, ["events"]);
    expect(all.events.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining([expect.any(String)]));
    const piped = await cohort(["events", "--limit", "2"], { home: owner.home });
    expect(piped.stdout.trimEnd().split("\n")).toHaveLength(2);
    expect((await cohort(["events", "--limit", "0"], { home: owner.home })).code).toBe(2);
    expect((await cohort(["events"], { home: student.home })).code).toBe(1);
  });

  it("removes a member by username", async () => {
    expect((await cohort(["join", await code(owner)], { home: other.home })).code).toBe(0);
    const run = await cohort(["members", "remove", other.username], { home: owner.home });
    expect(run.code).toBe(0);
    expect((await cohort(["whoami"], { home: other.home })).stdout).toContain("no organization");
    expect((await cohort(["members", "remove", "nobody-here"], { home: owner.home })).code).toBe(1);
  });

  it("lets a member leave", async () => {
    const run = await cohort(["leave"], { home: student.home });
    expect(run.code).toBe(0);
    expect((await cohort(["whoami"], { home: student.home })).stdout).toContain("no organization");
    expect((await cohort(["leave"], { home: student.home })).code).toBe(1);
    expect((await cohort(["leave"], { home: owner.home })).code).toBe(1);
  });
});

describe("cohort transfer", () => {
  async function orgWithAdmin() {
    const [owner, admin] = await Promise.all([person("owner"), person("admin")]);
    const orgName = unique("Transfer Lab ");
    await json(owner, ["org", "create", orgName]);
    await json(admin, ["join", await code(owner, ["--admin"])]);
    return { owner, admin, orgName };
  }

  it("transfers with --confirm-org and --confirm-username", async () => {
    const { owner, admin, orgName } = await orgWithAdmin();
    const mismatch = await cohort(["transfer", admin.username, "--confirm-org", "wrong", "--confirm-username", admin.username], {
      home: owner.home,
    });
    expect(mismatch.code).toBe(1);
    expect((await cohort(["whoami"], { home: owner.home })).stdout).toContain("· owner");
    const run = await cohort(["transfer", admin.username, "--confirm-org", orgName, "--confirm-username", admin.username], {
      home: owner.home,
    });
    expect(run.code).toBe(0);
    expect((await cohort(["whoami"], { home: owner.home })).stdout.trim()).toBe(`${owner.username} · ${orgName} · admin`);
    expect((await cohort(["whoami"], { home: admin.home })).stdout.trim()).toBe(`${admin.username} · ${orgName} · owner`);
  });

  it("refuses to ask when standard input is not a terminal", async () => {
    const { owner, admin } = await orgWithAdmin();
    const run = await cohort(["transfer", admin.username], { home: owner.home });
    expect(run.code).toBe(2);
  });

  it("refuses to ask in a terminal when CI is set, as wrong usage, and transfers nothing", async () => {
    const { owner, admin } = await orgWithAdmin();
    const terminal = cohortInTmux(["transfer", admin.username], owner.home, owner.home, { CI: "true" });
    try {
      const screen = await terminal.waitFor(/EXIT=\d/);
      expect(screen).toContain("EXIT=2");
      expect(screen).not.toContain("Type the organization's name");
      expect(screen).toContain("--confirm-org");
    } finally {
      terminal.stop();
    }
    expect((await cohort(["whoami"], { home: owner.home })).stdout).toContain("· owner");
  });

  it("asks for the org name and the username in a terminal, then transfers", async () => {
    const { owner, admin, orgName } = await orgWithAdmin();
    const terminal = cohortInTmux(["transfer", admin.username], owner.home, owner.home);
    try {
      await terminal.waitFor(/Type the organization's name/);
      terminal.type(orgName);
      await terminal.waitFor(/Type the new Owner's username/);
      terminal.type(admin.username);
      const screen = await terminal.waitFor(/EXIT=\d/);
      expect(screen).toContain("EXIT=0");
      expect(screen).toContain(`${admin.username} is now the Owner of ${orgName}`);
    } finally {
      terminal.stop();
    }
    expect((await cohort(["whoami"], { home: admin.home })).stdout).toContain("· owner");
  });

  it("refuses in a terminal when the typed name does not match", async () => {
    const { owner, admin } = await orgWithAdmin();
    const terminal = cohortInTmux(["transfer", admin.username], owner.home, owner.home);
    try {
      await terminal.waitFor(/Type the organization's name/);
      terminal.type("Not The Name");
      await terminal.waitFor(/Type the new Owner's username/);
      terminal.type(admin.username);
      const screen = await terminal.waitFor(/EXIT=\d/);
      expect(screen).toContain("EXIT=1");
    } finally {
      terminal.stop();
    }
    expect((await cohort(["whoami"], { home: owner.home })).stdout).toContain("· owner");
  });
});
