import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { cohort, json, signIn, signUp, unique, type Person } from "./cli.ts";

const baseURL = inject("baseURL");

/**
 * Agent tokens and shared machines come with the jobs/agents work; until the server has them,
 * the tests of what the CLI does with them wait (they run by themselves once it does).
 */
async function serverHasAgents(): Promise<boolean> {
  const probe = await signUp(baseURL, "probe");
  const headers = { "Content-Type": "application/json", Authorization: `Bearer ${probe.token}` };
  const { org } = (await (
    await fetch(`${baseURL}/api/orgs`, { method: "POST", headers, body: JSON.stringify({ name: "Probe" }) })
  ).json()) as { org: { id: string } };
  const response = await fetch(`${baseURL}/api/orgs/${org.id}/machines`, {
    method: "POST",
    headers,
    body: JSON.stringify({ name: "probe", shared: true }),
  });
  return response.status === 201 && typeof ((await response.json()) as { agentToken?: unknown }).agentToken === "string";
}
const agents = await serverHasAgents();

async function person(label: string): Promise<Person> {
  const p = await signUp(baseURL, label);
  await signIn(baseURL, p);
  return p;
}

describe("machines and volumes from the command line", () => {
  let owner: Person;
  let member: Person;

  beforeAll(async () => {
    [owner, member] = await Promise.all([person("owner"), person("member")]);
    await json(owner, ["org", "create", unique("Compute Lab ")]);
    const { codes } = await json(owner, ["codes", "create"]);
    await json(member, ["join", codes[0].code]);
  });

  it("refuses resource commands outside an org with how to get one", async () => {
    const loner = await person("loner");
    const run = await cohort(["machines"], { home: loner.home });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("cohort org create");
  });

  it("registers a machine and lists it", async () => {
    const run = await cohort(["machines", "register", "plain-box", "--hostname", "plain.lab", "--gpus", "2"], { home: owner.home });
    expect(run.code).toBe(0);
    const { machines } = await json(owner, ["machines"]);
    expect(machines).toEqual(expect.arrayContaining([expect.objectContaining({ name: "plain-box", hostname: "plain.lab", gpus: 2 })]));
    const piped = await cohort(["machines"], { home: owner.home });
    expect(piped.stdout).toMatch(/\tplain-box\tplain\.lab\t2\t/);
    const removed = machines.find((m: { name: string }) => m.name === "plain-box");
    expect((await cohort(["machines", "remove", removed.id], { home: owner.home })).code).toBe(0);
    expect((await json(owner, ["machines"])).machines.map((m: { id: string }) => m.id)).not.toContain(removed.id);
  });

  it.runIf(agents)("registers a machine, keeps its agent token 0600 in the config directory, and never prints it", async () => {
    const run = await cohort(["machines", "register", "gpu-box", "--hostname", "gpu1.lab", "--gpus", "4", "--shared"], {
      home: member.home,
    });
    expect(run.code).toBe(0);
    const dir = join(member.home, "config", "machines");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const [file] = readdirSync(dir);
    expect(file).toBeDefined();
    const path = join(dir, file ?? "");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(path, "utf8"));
    expect(stored).toMatchObject({ url: baseURL, name: "gpu-box", agentToken: expect.any(String) });
    expect(run.stdout + run.stderr).not.toContain(stored.agentToken);
    expect(run.stdout).toContain(stored.machineId);

    const asJson = await json(member, ["machines", "register", "cpu-box"]);
    expect(asJson).toEqual({ machine: expect.objectContaining({ name: "cpu-box", gpus: 0, shared: false }) });
    expect(JSON.stringify(asJson)).not.toMatch(/agentToken/);
  });

  it.runIf(agents)("lists the org's machines, tab-separated when piped, and in members", async () => {
    const { machines } = await json(owner, ["machines"]);
    const box = machines.find((m: { name: string }) => m.name === "gpu-box");
    expect(box).toMatchObject({ hostname: "gpu1.lab", gpus: 4, shared: true });
    const piped = await cohort(["machines"], { home: member.home });
    const row = piped.stdout.split("\n").find((line) => line.startsWith(`${box.id}\t`));
    expect(row?.split("\t").slice(0, 7)).toEqual([box.id, "gpu-box", "gpu1.lab", "4", "yes", "yes", "yes"]);
    const members = await cohort(["members"], { home: owner.home });
    expect(members.stdout).toMatch(new RegExp(`${member.username}\\t.*\\tuser\\t.*gpu-box`));
  });

  it.runIf(agents)("refuses removing another member's machine, and removes one's own with its stored token", async () => {
    const { machines } = await json(member, ["machines"]);
    const box = machines.find((m: { name: string }) => m.name === "gpu-box");
    const refused = await cohort(["machines", "remove", box.id], { home: owner.home });
    expect(refused.code).toBe(1);
    const removed = await cohort(["machines", "remove", box.id], { home: member.home });
    expect(removed.code).toBe(0);
    const after = await json(member, ["machines"]);
    expect(after.machines.map((m: { id: string }) => m.id)).not.toContain(box.id);
    expect(readdirSync(join(member.home, "config", "machines"))).toHaveLength(1);
  });

  it("creates and lists volumes", async () => {
    const created = await json(member, ["volumes", "create", "data", "--size-gb", "5"]);
    expect(created.volume).toMatchObject({ name: "data", sizeGb: 5 });
    const piped = await cohort(["volumes"], { home: member.home });
    expect(piped.stdout).toContain(`${created.volume.id}\tdata\t5\tyes\t`);
    expect((await json(owner, ["volumes"])).volumes).toEqual([]);
    const all = await json(owner, ["volumes", "--all"]);
    expect(all.volumes.map((v: { id: string }) => v.id)).toContain(created.volume.id);
  });

  it("refuses a volume without --size-gb, or with a bad size, as wrong usage", async () => {
    expect((await cohort(["volumes", "create", "x"], { home: member.home })).code).toBe(2);
    expect((await cohort(["volumes", "create", "x", "--size-gb", "lots"], { home: member.home })).code).toBe(2);
  });
});
