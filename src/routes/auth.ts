import { Hono } from "hono";
import { signInAccount, signOutSession, signUpAccount } from "../auth/accounts";
import { authRequest, forwardCookies } from "./auth-request";
import { emptyBodySchema, signInSchema, signUpSchema } from "../domain/account";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { requirePrincipal } from "../middleware/require";
import { clientAddress } from "./client-address";
import { jsonBody } from "./json-body";

export const authRoutes = new Hono<AppEnv>()
  .post("/sign-up/email", async (c) => {
    const body = await jsonBody(c, signUpSchema);
    const { user, setCookies } = await signUpAccount(c.env, authRequest(c), body, clientAddress(c));
    forwardCookies(c, setCookies);
    return c.json({ user }, 201);
  })
  .post("/sign-in/email", async (c) => {
    const body = await jsonBody(c, signInSchema);
    const { user, setCookies } = await signInAccount(c.env, authRequest(c), body);
    forwardCookies(c, setCookies);
    return c.json({ user }, 200);
  })
  .post("/sign-out", async (c) => {
    const principal = requirePrincipal(c);
    if (principal.via !== "cookie") throw new AppError("invalid_request", "Sign-out ends a browser session; delete an API token instead.");
    await jsonBody(c, emptyBodySchema);
    forwardCookies(c, await signOutSession(c.env, authRequest(c)));
    return c.json({ ok: true }, 200);
  });
