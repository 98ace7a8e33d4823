import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../../env";
import type { Flash } from "../../views/components/flash";
import { refusalOf } from "./form";

const FLASH_COOKIE = "cohort.flash";
const MAX_TEXT = 300;

function cookieOptions<E extends AppEnv>(c: Context<E>) {
  return { path: "/", httpOnly: true, sameSite: "Lax", secure: !c.var.config.isDevelopment } as const;
}

/** Answers a form post with a redirect and a message the next page shows once. */
export function redirectWithFlash<E extends AppEnv>(c: Context<E>, to: string, flash: Flash): Response {
  setCookie(c, FLASH_COOKIE, JSON.stringify({ kind: flash.kind, text: flash.text.slice(0, MAX_TEXT) }), {
    ...cookieOptions(c),
    maxAge: 60,
  });
  return c.redirect(to, 303);
}

/**
 * Reads and clears the message left by the last redirect. The cookie is only ever shown as
 * escaped text on the same person's page, so a forged one can do no harm.
 */
export function takeFlash<E extends AppEnv>(c: Context<E>): Flash | null {
  const raw = getCookie(c, FLASH_COOKIE);
  if (raw === undefined) return null;
  deleteCookie(c, FLASH_COOKIE, cookieOptions(c));
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== "object" || parsed === null) return null;
    const { kind, text } = parsed as Record<string, unknown>;
    if ((kind !== "success" && kind !== "error") || typeof text !== "string") return null;
    return { kind, text: text.slice(0, MAX_TEXT) };
  } catch {
    return null;
  }
}

/** Answers a refusal with a redirect to `back` and its message in the flash; anything else goes on to the error handler. */
export function flashRefusal<E extends AppEnv>(c: Context<E>, back: string, error: unknown): Response {
  return redirectWithFlash(c, back, { kind: "error", text: refusalOf(error).message });
}

/**
 * Runs a one-click action (delete, revoke, cancel, leave…) and redirects with its outcome:
 * the text `act` answers, to `onward`; a refusal (gone already, not yours) back to `back`.
 */
export async function actThen<E extends AppEnv>(c: Context<E>, back: string, act: () => Promise<string>, onward = back): Promise<Response> {
  let done: string;
  try {
    done = await act();
  } catch (error) {
    return flashRefusal(c, back, error);
  }
  return redirectWithFlash(c, onward, { kind: "success", text: done });
}
