import { Hono } from "hono";
import { AccountConflict, signInAccount, signOutSession, signUpAccount } from "../../auth/accounts";
import { authRequest, forwardCookies } from "../auth-request";
import { signInSchema, signUpSchema } from "../../domain/account";
import type { AppEnv } from "../../env";
import { EMPTY_FORM, type FormState } from "../../views/components/field";
import { renderer } from "../../views/layout";
import { SignInPage } from "../../views/sign-in-page";
import { SignUpPage } from "../../views/sign-up-page";
import { clientAddress } from "../client-address";
import { parseWith } from "../json-body";
import { redirectWithFlash, takeFlash } from "./flash";
import { readForm, refusedForm } from "./form";
import { noStore, signedOutOnly } from "./guards";
import { safeReturnPath } from "./return-path";

const SIGN_UP_FIELDS = ["name", "username", "email", "password"] as const;
const SIGN_IN_FIELDS = ["email", "password", "next"] as const;

const SIGN_UP_MESSAGES = {
  name: "Enter your name (up to 100 characters).",
  username: "Use 3–32 characters: a–z, 0–9, _ and -.",
  email: "Enter an email address like ada@example.com.",
  password: "Use 8 to 128 characters.",
};

const SIGN_IN_MESSAGES = { email: "Enter the email address of your account.", password: "Enter your password." };

/** The password is never sent back into the page. */
function keptValues(values: Record<string, string>): Record<string, string> {
  return { ...values, password: "" };
}

export const accountPages = new Hono<AppEnv>()
  .use("/sign-up", noStore, renderer)
  .use("/sign-in", noStore, renderer)
  .get("/sign-up", signedOutOnly, (c) =>
    c.render(<SignUpPage form={EMPTY_FORM} />, { title: "Sign up", viewer: { kind: "anonymous" }, flash: takeFlash(c) }),
  )
  .post("/sign-up", signedOutOnly, async (c) => {
    const values = await readForm(c, SIGN_UP_FIELDS);
    try {
      const { setCookies } = await signUpAccount(c.env, authRequest(c), parseWith(signUpSchema, values), clientAddress(c));
      forwardCookies(c, setCookies);
      return c.redirect("/setup", 303);
    } catch (error) {
      const form: FormState = refusedForm(c, error, keptValues(values), {
        messages: SIGN_UP_MESSAGES,
        fieldOf: (refusal) => (refusal instanceof AccountConflict ? refusal.field : undefined),
      });
      return c.render(<SignUpPage form={form} />, { title: "Sign up", viewer: { kind: "anonymous" } });
    }
  })
  .get("/sign-in", signedOutOnly, (c) =>
    c.render(<SignInPage form={EMPTY_FORM} next={safeReturnPath(c.req.query("next"))} />, {
      title: "Sign in",
      viewer: { kind: "anonymous" },
      flash: takeFlash(c),
    }),
  )
  .post("/sign-in", signedOutOnly, async (c) => {
    const values = await readForm(c, SIGN_IN_FIELDS);
    try {
      const { setCookies } = await signInAccount(
        c.env,
        authRequest(c),
        parseWith(signInSchema, { email: values.email, password: values.password }),
      );
      forwardCookies(c, setCookies);
      return c.redirect(safeReturnPath(values.next), 303);
    } catch (error) {
      const form = refusedForm(c, error, keptValues(values), { messages: SIGN_IN_MESSAGES });
      return c.render(<SignInPage form={form} next={safeReturnPath(values.next)} />, { title: "Sign in", viewer: { kind: "anonymous" } });
    }
  })
  .post("/sign-out", async (c) => {
    if (c.get("principal")?.via === "cookie") forwardCookies(c, await signOutSession(c.env, authRequest(c)));
    return redirectWithFlash(c, "/sign-in", { kind: "success", text: "You are signed out." });
  });
