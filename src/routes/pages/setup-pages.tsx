import { Hono, type Context } from "hono";
import { newId } from "../../domain/ids";
import { redeemCodeSchema } from "../../domain/join-code";
import { createOrgSchema } from "../../domain/org-profile";
import { ROLE_LABELS } from "../../domain/roles";
import { orgClient } from "../../services/org-client";
import type { Challenge } from "../../services/join-gate";
import { redeemJoinCode } from "../../services/redemption";
import { AppError } from "../../errors";
import { EMPTY_FORM, type FormState } from "../../views/components/field";
import { renderer } from "../../views/layout";
import { SetupPage } from "../../views/setup-page";
import { clientAddress } from "../client-address";
import { parseWith } from "../json-body";
import { flashRefusal, redirectWithFlash, takeFlash } from "./flash";
import { readForm, refusedForm } from "./form";
import { noStore, withoutOrgOnly, type NoOrgEnv } from "./guards";

function renderSetup(c: Context<NoOrgEnv>, forms: { create?: FormState; join?: FormState; challenge?: Challenge }) {
  const user = c.var.user;
  return c.render(
    <SetupPage name={user.name} create={forms.create ?? EMPTY_FORM} join={forms.join ?? EMPTY_FORM} challenge={forms.challenge} />,
    {
      title: "Account setup",
      viewer: { kind: "no-org", username: user.username },
      flash: takeFlash(c),
    },
  );
}

/** The human check a refused attempt asked for (see admitRedemption), to show with the form. */
function challengeOf(error: unknown): Challenge {
  const details =
    error instanceof AppError && error.code === "rate_limited" ? (error.details as { siteKey?: unknown } | undefined) : undefined;
  return typeof details?.siteKey === "string" ? { siteKey: details.siteKey } : null;
}

/** Someone who joined or created an org meanwhile (another tab) is simply taken there. */
function joinedMeanwhile(error: unknown): boolean {
  return error instanceof AppError && error.code === "already_in_org";
}

/** The field Turnstile's widget adds to the form it sits in. */
const TURNSTILE_FIELD = "cf-turnstile-response";

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
      if (joinedMeanwhile(error)) return flashRefusal(c, "/", error);
      const create = refusedForm(c, error, values, { messages: { name: "Enter a name of 1 to 100 characters." } });
      return renderSetup(c, { create });
    }
  })
  .post("/join", async (c) => {
    const user = c.var.user;
    const { [TURNSTILE_FIELD]: solved, ...values } = await readForm(c, ["code", TURNSTILE_FIELD] as const);
    const turnstileToken = solved || undefined;
    try {
      const { code } = parseWith(redeemCodeSchema, values);
      const who = { userId: user.id, username: user.username, inOrg: false, address: clientAddress(c), turnstileToken };
      const joined = await redeemJoinCode(c.env, c.var.config, who, code, (promise) => c.executionCtx.waitUntil(promise));
      return redirectWithFlash(c, "/", {
        kind: "success",
        text: `You joined ${joined.org.name} as ${joined.role === "admin" ? "an" : "a"} ${ROLE_LABELS[joined.role]}.`,
      });
    } catch (error) {
      if (joinedMeanwhile(error)) return flashRefusal(c, "/", error);
      const join = refusedForm(c, error, values, {
        messages: { code: "Enter the 8 digits of the code, like 1234-5678." },
        fieldOf: (refusal) => (refusal.code === "invalid_code" ? "code" : undefined),
      });
      return renderSetup(c, { join, challenge: challengeOf(error) });
    }
  });
