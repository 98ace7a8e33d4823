import { Hono, type Context } from "hono";
import { createDb } from "../../db/client";
import { listMachines } from "../../db/machine-queries";
import { machineSchema } from "../../domain/machine";
import { newAgentToken } from "../machines";
import { orgClient } from "../../services/org-client";
import { EMPTY_FORM, type FormState } from "../../views/components/field";
import { renderer } from "../../views/layout";
import { MachinesPage } from "../../views/machines-page";
import { parseWith } from "../json-body";
import { actThen } from "./flash";
import { readForm, refusedForm } from "./form";
import { memberOnly, noStore, type MemberEnv } from "./guards";
import { memberPageProps, numberField } from "./page-props";

const MACHINE_MESSAGES = {
  name: "Enter a name of 1 to 100 characters.",
  hostname: "Use up to 253 characters.",
  gpus: "Enter a whole number from 0 to 1024.",
};

async function renderMachines(c: Context<MemberEnv>, form: FormState, created?: { name: string; agentToken: string }) {
  const { user, org } = c.var.member;
  const machines = (await listMachines(createDb(c.env.DB), org.id)).filter((machine) => machine.ownerId === user.id);
  return c.render(<MachinesPage machines={machines} form={form} created={created} />, memberPageProps(c, "Machines", "machines"));
}

/** `/machines`: the member's own machines, registered and deleted here. */
export const machinePages = new Hono<MemberEnv>()
  .use(noStore, memberOnly, renderer)
  .get("/", (c) => renderMachines(c, EMPTY_FORM))
  .post("/", async (c) => {
    const { user, org } = c.var.member;
    const values = await readForm(c, ["name", "hostname", "gpus", "shared"] as const);
    try {
      const input = parseWith(machineSchema, {
        name: values.name,
        hostname: values.hostname,
        gpus: numberField(values.gpus),
        shared: values.shared === "on",
      });
      const made = await newAgentToken(c.var.config.codeHashSecret);
      const { machine } = await orgClient(c.env, org.id, { actorId: user.id }).createMachine({ machine: input, agentTokenHash: made.hash });
      // Shown on this answer alone (not through a redirect's cookie): the token is never stored readable.
      return renderMachines(c, EMPTY_FORM, { name: machine.name, agentToken: made.token });
    } catch (error) {
      const form = refusedForm(c, error, values, { messages: MACHINE_MESSAGES });
      return renderMachines(c, form);
    }
  })
  .post("/:machineId/delete", (c) => {
    const { user, org } = c.var.member;
    return actThen(c, "/machines", async () => {
      await orgClient(c.env, org.id, { actorId: user.id }).deleteMachine({ resourceId: c.req.param("machineId") });
      return "The machine is deregistered.";
    });
  });
