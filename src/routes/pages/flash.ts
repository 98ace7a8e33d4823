import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../../env";
import { AppError } from "../../errors";
import type { Flash } from "../../views/components/flash";

const FLASH_COOKIE = "cohort.flash";
const MAX_TEXT = 300;

function cookieOptions<E extends AppEnv>(c: Context<E>) {
  return { path: "/", httpOnly: true, sameSite: "Lax", secure: !c.var.config.isDevelopment } as const;
}

/** Answers a form post with a redirect and a message the next page shows once. */
export function redirectWithFlash<E extends AppEnv>(c: Context<E>, to: string, flash: Flash): Response {
  setCookie(c, FLASH_COOKIE, JSON.stringify({ kind: flash.kind, text: flash.text.slice(0, MAX_TEXT) }), { ...cookieOptions(c), maxAge: 60 });
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

/** Runs a delete and redirects back with its outcome; a refusal (gone already, not yours) is said in the flash. */
export async function deleteThen<E extends AppEnv>(c: Context<E>, back: string, done: string, remove: () => Promise<unknown>): Promise<Response> {
  try {
    await remove();
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    return redirectWithFlash(c, back, { kind: "error", text: error.message });
  }
  return redirectWithFlash(c, back, { kind: "success", text: done });
}
