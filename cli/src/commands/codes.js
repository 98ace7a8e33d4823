// @ts-check
import { readFileSync } from "node:fs";
import { action, common, integer, orgPath, requireOrg } from "../context.js";
import { CliError } from "../errors.js";
import { writeFileAtomically } from "../files.js";
import { printJson, printTable, say, when } from "../output.js";

/** @param {import("commander").Command} program */
export function registerCodeCommands(program) {
  const codes = program.command("codes").description("join codes and admin invites (Admins and the Owner)");

  common(codes.command("create"))
    .description("make join codes (or, with --admin, one admin invite) and print them, or write them to a CSV file")
    .option("--count <n>", "how many, 1–50 (default 1, or one per label)")
    .option("--admin", "an admin invite (Owner only, one at a time)")
    .option("--labels <file>", "one label per line (e.g. a student's name), one code per label")
    .option("--out <file.csv>", "write the codes as CSV to this file instead of printing them")
    .action(action(createCodes));

  common(codes.command("list"))
    .description("live codes, or with --redeemed those redeemed in the last 90 days and by whom")
    .option("--redeemed", "codes redeemed in the last 90 days")
    .action(
      action(async (context) => {
        const me = await requireOrg(context);
        const answer = await context.api.get(orgPath(me.org.id, "/join-codes"), {
          query: { status: context.options.redeemed ? "redeemed" : undefined },
        });
        if (context.json) return printJson(answer);
        if (context.options.redeemed) {
          printTable(
            ["ID", "CODE", "ROLE", "LABEL", "REDEEMED", "BY"],
            answer.codes.map((/** @type {any} */ c) => [c.id, c.hint, c.role, c.label, when(c.redeemedAt), c.redeemedBy?.username]),
            { title: `Codes of ${me.org.name} redeemed in the last 90 days`, empty: "No code was redeemed in the last 90 days." },
          );
          return;
        }
        printTable(
          ["ID", "CODE", "ROLE", "LABEL", "CREATED BY", "EXPIRES"],
          answer.codes.map((/** @type {any} */ c) => [c.id, c.hint, c.role, c.label, c.createdBy?.username, when(c.expiresAt)]),
          { title: `Live codes of ${me.org.name}`, empty: "No live codes." },
        );
      }),
    );

  common(codes.command("revoke"))
    .description("revoke a code so it no longer works")
    .argument("<id>", "the code's id (see `cohort codes list`)")
    .action(
      action(async (context, id) => {
        const me = await requireOrg(context);
        await context.api.delete(orgPath(me.org.id, `/join-codes/${encodeURIComponent(id)}`));
        if (!context.json) say(`Revoked code ${id}.`);
      }),
    );
}

/** @param {import("../context.js").Context} context */
async function createCodes(context) {
  const { options } = context;
  /** @type {{ count?: number, role?: string, labels?: string[] }} */
  const body = {};
  if (options.count !== undefined) body.count = integer(options.count, "--count", { min: 1, max: 50 });
  if (options.admin) body.role = "admin";
  if (options.labels !== undefined) {
    let text;
    try {
      text = readFileSync(options.labels, "utf8");
    } catch (error) {
      throw new CliError(`Cannot read ${options.labels}: ${/** @type {Error} */ (error).message}`);
    }
    // One label per line; a trailing newline does not make an extra, empty label.
    body.labels = text.replace(/\r\n/g, "\n").replace(/\n$/, "").split("\n");
  }
  const me = await requireOrg(context);
  const path = orgPath(me.org.id, "/join-codes");
  if (options.out !== undefined) {
    const response = await context.api.request("POST", path, { json: body, headers: { Accept: "text/csv" }, raw: true });
    const csv = await response.text();
    writeFileAtomically(options.out, csv, 0o600);
    const count = Math.max(0, csv.trim().split(/\r?\n/).length - 1);
    if (!context.json) say(`Wrote ${count} code${count === 1 ? "" : "s"} to ${options.out}.`);
    return;
  }
  const answer = await context.api.post(path, body);
  if (context.json) return printJson(answer);
  printTable(
    ["CODE", "ROLE", "LABEL", "EXPIRES", "ID"],
    answer.codes.map((/** @type {any} */ c) => [c.code, c.role, c.label, when(c.expiresAt), c.id]),
    { title: `New codes for ${me.org.name} (shown this once)` },
  );
}
