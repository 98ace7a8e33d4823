// @ts-check
import { action, common, orgPath, requireOrg } from "../context.js";
import { CliError } from "../errors.js";
import { printJson, printTable, say } from "../output.js";

/**
 * Resolves a username to the member (the API's commands take user ids).
 * @param {import("../context.js").Context} context
 * @param {string} orgId
 * @param {string} username
 * @returns {Promise<{ userId: string, username: string, name: string, role: string }>}
 */
export async function findMember(context, orgId, username) {
  const { members } = await context.api.get(orgPath(orgId, "/members"));
  const wanted = username.replace(/^@/, "").toLowerCase();
  const member = members.find((/** @type {any} */ m) => m.username.toLowerCase() === wanted);
  if (!member) throw new CliError(`No member named ${username} in this organization.`, { code: "not_found" });
  return member;
}

/** @param {import("commander").Command} program */
export function registerMemberCommands(program) {
  const members = common(program.command("members"))
    .description("every member: username, name, role, machines")
    .action(
      action(async (context) => {
        const me = await requireOrg(context);
        const answer = await context.api.get(orgPath(me.org.id, "/members"));
        if (context.json) return printJson(answer);
        printTable(
          ["USERNAME", "NAME", "ROLE", "MACHINES"],
          answer.members.map((/** @type {any} */ m) => [
            m.username,
            m.name,
            m.role,
            m.machines.map((/** @type {any} */ x) => x.name).join(", "),
          ]),
          { title: `Members of ${me.org.name}` },
        );
      }),
    );

  for (const [verb, role, description] of [
    ["promote", "admin", "make a User an Admin (Owner only)"],
    ["demote", "user", "make an Admin a User (Owner only)"],
  ]) {
    common(members.command(verb))
      .description(description)
      .argument("<username>")
      .action(
        action(async (context, username) => {
          const me = await requireOrg(context);
          const member = await findMember(context, me.org.id, username);
          const answer = await context.api.put(orgPath(me.org.id, `/members/${encodeURIComponent(member.userId)}/role`), { role });
          if (context.json) return printJson(answer);
          say(`${member.username} is now ${answer.member?.role ?? role} in ${me.org.name}.`);
        }),
      );
  }

  common(members.command("remove"))
    .description("remove a member (Owner: anyone but self; Admins: Users)")
    .argument("<username>")
    .action(
      action(async (context, username) => {
        const me = await requireOrg(context);
        const member = await findMember(context, me.org.id, username);
        await context.api.delete(orgPath(me.org.id, `/members/${encodeURIComponent(member.userId)}`));
        if (!context.json) say(`Removed ${member.username} from ${me.org.name}.`);
      }),
    );
}
