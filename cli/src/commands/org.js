// @ts-check
import { createInterface } from "node:readline/promises";
import { action, common, orgPath, requireOrg } from "../context.js";
import { usage } from "../errors.js";
import { printJson, printTable, say } from "../output.js";
import { findMember } from "./members.js";

/** CLI flag → API profile field. */
const PROFILE_FLAGS = /** @type {const} */ ([
  ["name", "name"],
  ["website", "website"],
  ["location", "location"],
  ["sector", "sector"],
  ["university", "universityName"],
  ["description", "description"],
]);

/** @param {import("commander").Command} program */
export function registerOrgCommands(program) {
  const org = common(program.command("org")).description("show your organization's profile and leadership").action(action(showOrg));

  common(org.command("create"))
    .description("create an organization; you become its Owner")
    .argument("<name>", "the organization's name")
    .option("--website <url>")
    .option("--location <text>")
    .option("--sector <text>")
    .option("--university <name>")
    .option("--description <text>")
    .action(
      action(async (context, name) => {
        const answer = await context.api.post("/api/orgs", { ...profileFrom(context.options), name });
        if (context.json) return printJson(answer);
        say(`Created ${answer.org.name}; you are its Owner.`);
      }),
    );

  common(org.command("edit"))
    .description("change the profile (Admins and the Owner); an empty value clears an optional field")
    .option("--name <name>")
    .option("--website <url>")
    .option("--location <text>")
    .option("--sector <text>")
    .option("--university <name>")
    .option("--description <text>")
    .action(
      action(async (context) => {
        const patch = profileFrom(context.options);
        if (Object.keys(patch).length === 0)
          throw usage("Nothing to change: give at least one of --name --website --location --sector --university --description.");
        const me = await requireOrg(context);
        const answer = await context.api.patch(orgPath(me.org.id), patch);
        if (context.json) return printJson(answer);
        say(`Saved the profile of ${answer.org.name}.`);
      }),
    );

  common(program.command("join"))
    .description("join an organization with a join code")
    .argument("<code>", "the code, e.g. 1234-5678")
    .action(
      action(async (context, code) => {
        const answer = await context.api.post("/api/join", { code });
        if (context.json) return printJson(answer);
        say(`Joined ${answer.org.name} as ${answer.role}.`);
      }),
    );

  common(program.command("leave"))
    .description("leave your organization (Admins and Users; the Owner transfers first)")
    .action(
      action(async (context) => {
        const me = await requireOrg(context);
        const answer = await context.api.post(orgPath(me.org.id, "/leave"));
        if (context.json) return printJson(answer);
        say(`You left ${me.org.name}.`);
      }),
    );

  common(program.command("transfer"))
    .description("make an Admin the Owner (you become an Admin); asks you to type the org name and the username")
    .argument("<username>", "the Admin who becomes Owner")
    .option("--confirm-org <name>", "the organization's name, typed exactly")
    .option("--confirm-username <username>", "the new Owner's username, typed exactly")
    .action(action(transfer));
}

/** @param {Record<string, any>} options */
function profileFrom(options) {
  /** @type {Record<string, string>} */
  const profile = {};
  for (const [flag, field] of PROFILE_FLAGS) {
    if (typeof options[flag] === "string") profile[field] = options[flag];
  }
  return profile;
}

/** @param {import("../context.js").Context} context */
async function showOrg(context) {
  const me = await requireOrg(context);
  const answer = await context.api.get(orgPath(me.org.id));
  if (context.json) return printJson(answer);
  const { org } = answer;
  say(org.name);
  for (const [label, value] of [
    ["Website", org.website],
    ["Location", org.location],
    ["Sector", org.sector],
    ["University", org.universityName],
    ["Description", org.description],
  ]) {
    if (value) say(`${label}: ${value}`);
  }
  say(`Your role: ${answer.role}`);
  say("");
  printTable(
    ["USERNAME", "NAME", "ROLE"],
    answer.leadership.map((/** @type {any} */ m) => [m.username, m.name, m.role]),
    { title: "Leadership" },
  );
}

/** @param {import("../context.js").Context} context @param {string} username */
async function transfer(context, username) {
  const me = await requireOrg(context);
  const target = await findMember(context, me.org.id, username);
  let confirmOrgName = context.options.confirmOrg;
  let confirmUsername = context.options.confirmUsername;
  if (confirmOrgName === undefined || confirmUsername === undefined) {
    // A CI job may run in a pseudo-terminal, but nobody is there to type: never wait for one.
    if (!process.stdin.isTTY || context.env.CI)
      throw usage("Not a terminal (or CI is set): pass --confirm-org NAME --confirm-username USERNAME.");
    process.stderr.write(`This makes ${target.username} the Owner of ${me.org.name}; you become an Admin.\n`);
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      confirmOrgName ??= (await rl.question("Type the organization's name to confirm: ")).trim();
      confirmUsername ??= (await rl.question("Type the new Owner's username to confirm: ")).trim();
    } finally {
      rl.close();
    }
  }
  const answer = await context.api.post(orgPath(me.org.id, "/transfer"), { userId: target.userId, confirmOrgName, confirmUsername });
  if (context.json) return printJson(answer);
  say(`${target.username} is now the Owner of ${me.org.name}; you are an Admin.`);
}
