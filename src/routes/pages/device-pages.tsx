import { Hono, type Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv, Principal } from "../../env";
import { decideDeviceLoginFor, lookUpDeviceLogin } from "../../services/device-login";
import { EMPTY_FORM, type FormState } from "../../views/components/field";
import type { DeviceRequest } from "../../views/device-page";
import { DevicePage } from "../../views/device-page";
import { renderer } from "../../views/layout";
import { clientAddress } from "../client-address";
import { redirectWithFlash, takeFlash } from "./flash";
import { readForm, refusedForm } from "./form";
import { noStore, viewerOf } from "./guards";
import { signInPathBack } from "./return-path";

interface SignedInEnv extends AppEnv {
  Variables: AppEnv["Variables"] & { principal: Principal };
}

/** Device login is for the account: anyone signed in may use it, in an org or not (no /setup detour). */
const signedInOnly = createMiddleware<SignedInEnv>(async (c, next) => {
  const principal = c.get("principal");
  if (!principal) return c.redirect(signInPathBack(c.req.url), 303);
  await next();
});

function renderDevice(c: Context<SignedInEnv>, form: FormState, request: DeviceRequest | null) {
  const principal = c.var.principal;
  return c.render(<DevicePage username={principal.user.username} form={form} request={request} />, {
    title: "Sign in a device",
    viewer: viewerOf(principal),
    flash: takeFlash(c),
  });
}

const CODE_MESSAGE = { code: "Enter the 8 letters your terminal shows, like BCDF-GHJK." };

export const devicePages = new Hono<SignedInEnv>()
  .use(noStore, signedInOnly, renderer)
  .get("/", async (c) => {
    const code = c.req.query("code") ?? "";
    if (code.trim() === "") return renderDevice(c, EMPTY_FORM, null);
    const values = { code };
    try {
      const found = await lookUpDeviceLogin(c.env, c.var.config, { userId: c.var.principal.user.id, address: clientAddress(c) }, code);
      return renderDevice(c, { values, errors: {} }, { clientName: found.clientName, createdAt: found.createdAt.toISOString() });
    } catch (error) {
      const form = refusedForm(c, error, values, {
        messages: CODE_MESSAGE,
        fieldOf: (refusal) => (refusal.code === "invalid_code" ? "code" : undefined),
      });
      return renderDevice(c, form, null);
    }
  })
  .post("/", async (c) => {
    const values = await readForm(c, ["code", "decision"] as const);
    // Browsers send the pressed button (Enter presses the first, Approve); without one nothing is decided.
    if (values.decision !== "approve" && values.decision !== "deny") {
      c.status(400);
      return renderDevice(c, { values: { code: values.code }, errors: {}, message: "Choose Approve or Deny." }, null);
    }
    const status = values.decision === "deny" ? "denied" : "approved";
    try {
      const { clientName } = await decideDeviceLoginFor(
        c.env,
        c.var.config,
        { userId: c.var.principal.user.id, address: clientAddress(c) },
        values.code,
        status,
      );
      const text =
        status === "approved"
          ? `Approved: “${clientName}” is signed in as you. You can go back to your terminal.`
          : `Denied: “${clientName}” was not signed in.`;
      return redirectWithFlash(c, "/device", { kind: "success", text });
    } catch (error) {
      const form = refusedForm(
        c,
        error,
        { code: values.code },
        { messages: CODE_MESSAGE, fieldOf: (refusal) => (refusal.code === "invalid_code" ? "code" : undefined) },
      );
      return renderDevice(c, form, null);
    }
  });
