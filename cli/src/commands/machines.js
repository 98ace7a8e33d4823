// @ts-check
import { forgetMachineCredential, readMachineCredential, writeMachineCredential } from "../config.js";
import { action, common, integer, orgPath, requireOrg } from "../context.js";
import { note, printJson, printTable, say, when } from "../output.js";

/** @param {import("commander").Command} program */
export function registerMachineCommands(program) {
  const machines = common(program.command("machines"))
    .description("the organization's machines")
    .action(
      action(async (context) => {
        const me = await requireOrg(context);
        const answer = await context.api.get(orgPath(me.org.id, "/machines"));
        if (context.json) return printJson(answer);
        printTable(
          ["ID", "NAME", "HOSTNAME", "GPUS", "SHARED", "MINE", "AGENT HERE", "LAST SEEN"],
          answer.machines.map((/** @type {any} */ m) => [
            m.id,
            m.name,
            m.hostname ?? "",
            m.gpus,
            m.shared ? "yes" : "no",
            m.ownerId === me.user.id ? "yes" : "no",
            readMachineCredential(m.id, context.env) ? "yes" : "no",
            when(m.lastSeenAt) || "never",
          ]),
          { title: `Machines of ${me.org.name}`, empty: "No machines. Register this one with `cohort machines register NAME`." },
        );
      }),
    );

  common(machines.command("register"))
    .description("register a machine; its agent token is kept in the config directory for `cohort agent`")
    .argument("<name>")
    .option("--hostname <host>")
    .option("--gpus <n>", "how many GPUs it has")
    .option("--shared", "let other members' jobs run on it")
    .action(
      action(async (context, name) => {
        const { options } = context;
        /** @type {{ name: string, hostname?: string, gpus?: number, shared?: boolean }} */
        const body = { name };
        if (options.hostname !== undefined) body.hostname = options.hostname;
        if (options.gpus !== undefined) body.gpus = integer(options.gpus, "--gpus", { min: 0 });
        if (options.shared) body.shared = true;
        const me = await requireOrg(context);
        const { machine, agentToken } = await context.api.post(orgPath(me.org.id, "/machines"), body);
        if (typeof agentToken === "string") {
          writeMachineCredential({ url: context.api.url, machineId: machine.id, name: machine.name, agentToken }, context.env);
        } else {
          note("The server sent no agent token for this machine, so `cohort agent` cannot run it from here.");
        }
        // The token's place is the config directory, not the screen or a pipe.
        if (context.json) return printJson({ machine });
        const stored =
          typeof agentToken === "string" ? `; its agent token is stored here. Run \`cohort agent --machine ${machine.id}\`` : "";
        say(`Registered ${machine.name} (${machine.id}) in ${me.org.name}${stored}.`);
      }),
    );

  common(machines.command("remove"))
    .description("deregister one of your machines (its agent token stops working)")
    .argument("<id>")
    .action(
      action(async (context, id) => {
        const me = await requireOrg(context);
        await context.api.delete(orgPath(me.org.id, `/machines/${encodeURIComponent(id)}`));
        forgetMachineCredential(id, context.env);
        if (!context.json) say(`Removed machine ${id}.`);
      }),
    );
}
