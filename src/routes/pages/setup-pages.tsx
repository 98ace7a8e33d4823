import { Hono, type Context } from "hono";
import { newId } from "../../domain/ids";
import { redeemCodeSchema } from "../../domain/join-code";
import { createOrgSchema } from "../../domain/org-profile";
import { ROLE_LABELS } from "../../domain/roles";
import { orgClient } from "../../durable/org-client";
import { redeemJoinCode } from "../../durable/redemption";
import { AppError } from "../../errors";
import { EMPTY_FORM, type FormState } from "../../views/components/field";
import { renderer } from "../../views/layout";
import { SetupPage } from "../../views/setup-page";
import { clientAddress } from "../client-address";
import { parseWith } from "../json-body";
import { redirectWithFlash, takeFlash } from "./flash";
import { formStateFrom, readForm, refusedStatus } from "./form";
import { noStore, withoutOrgOnly, type NoOrgEnv } from "./guards";

function renderSetup(c: Context<NoOrgEnv>, forms: { create?: FormState; join?: FormState }) {
  const user = c.var.user;
  return c.render(<SetupPage name={user.name} create={forms.create ?? EMPTY_FORM} join={forms.join ?? EMPTY_FORM} />, {
    title: "Account setup",
    viewer: { kind: "no-org", username: user.username },
    flash: takeFlash(c),
  });
}

/** Someone who joined or created an org meanwhile (another tab) is simply taken there. */
function alreadyInOrg(c: Context, error: unknown): Response | null {
  return error instanceof AppError && error.code === "already_in_org" ? redirectWithFlash(c, "/", { kind: "error", text: error.message }) : null;
}

/** `/setup`: account setup for a signed-in person with no org: create one, or join with a code. */
export const setupPages = new Hono<NoOrgEnv>()
  .use(noStore, withoutOrgOnly, renderer)
  .get("/", (c) => renderSetup(c, {}))
  .post("/create", async (c) => {
    const user = c.var.user;
    const values = await readForm(c, ["name"] as const);
    try {
      const { org } = await orgClient(c.env, newId(), { actorId: user.id }).createOrg({ profile: parseWith(createOrgSchema, values) });
      return redirectWithFlash(c, "/", { kind: "success", text: `${org.name} is ready. You are its Owner.` });
    } catch (error) {
      const moved = alreadyInOrg(c, error);
      if (moved) return moved;
      const create = formStateFrom(error, values, { messages: { name: "Enter a name of 1 to 100 characters." } });
      c.status(refusedStatus(c, error));
      return renderSetup(c, { create });
    }
  })
  .post("/join", async (c) => {
    const user = c.var.user;
    const values = await readForm(c, ["code"] as const);
    try {
      const { code } = parseWith(redeemCodeSchema, values);
      const joined = await redeemJoinCode(c.env, { userId: user.id, inOrg: false, address: clientAddress(c) }, code, (promise) =>
        c.executionCtx.waitUntil(promise),
      );
      return redirectWithFlash(c, "/", { kind: "success", text: `You joined ${joined.org.name} as ${joined.role === "admin" ? "an" : "a"} ${ROLE_LABELS[joined.role]}.` });
    } catch (error) {
      const moved = alreadyInOrg(c, error);
      if (moved) return moved;
      const join = formStateFrom(error, values, {
        messages: { code: "Enter the 8 digits of the code, like 1234-5678." },
        fieldOf: (refusal) => (refusal.code === "invalid_code" ? "code" : undefined),
      });
      c.status(refusedStatus(c, error));
      return renderSetup(c, { join });
    }
  });
