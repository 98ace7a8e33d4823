// @ts-check
import { action, common, integer, orgPath, requireOrg } from "../context.js";
import { printJson, printTable, when } from "../output.js";

/** @param {import("commander").Command} program */
export function registerEventCommand(program) {
  common(program.command("events"))
    .description("the audit log, newest first (Admins and the Owner)")
    .option("--limit <n>", "how many, 1–100 (default 50)")
    .action(
      action(async (context) => {
        const limit = context.options.limit === undefined ? undefined : integer(context.options.limit, "--limit", { min: 1, max: 100 });
        const me = await requireOrg(context);
        const answer = await context.api.get(orgPath(me.org.id, "/events"), { query: { limit } });
        if (context.json) return printJson(answer);
        printTable(
          ["AT", "ACTION", "ACTOR", "TARGET", "DETAILS"],
          answer.events.map((/** @type {any} */ e) => [
            when(e.at),
            e.action,
            e.actor?.username,
            e.target?.username ?? "",
            e.details && Object.keys(e.details).length > 0 ? JSON.stringify(e.details) : "",
          ]),
          { title: `Audit log of ${me.org.name}`, empty: "No events." },
        );
      }),
    );
}
