import { z } from "zod";
import { MAX_TURNSTILE_TOKEN_LENGTH } from "../domain/join-code";

const SITEVERIFY_URL = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

const siteverifyAnswer = z.object({ success: z.boolean(), action: z.string().optional() });

/** The action name the setup page's widget sends, checked so a token made for another form is refused. */
export const JOIN_ACTION = "join";

/**
 * How siteverify is reached. Tests replace `fetch` (as they move `clock.now`), since no test may
 * call Cloudflare; everything else goes to the real endpoint.
 */
export const siteverify = {
  fetch: (request: Request): Promise<Response> => fetch(request),
};

/**
 * Asks Cloudflare whether a Turnstile token was solved for this site, once per attempt: a token
 * is single-use, so the same token never admits two attempts. Any failure to verify is a "no".
 */
export async function verifyTurnstile(secret: string, token: string, remoteIp: string): Promise<boolean> {
  if (token.length === 0 || token.length > MAX_TURNSTILE_TOKEN_LENGTH) return false;
  const form = new FormData();
  form.set("secret", secret);
  form.set("response", token);
  if (remoteIp) form.set("remoteip", remoteIp);
  try {
    const response = await siteverify.fetch(new Request(SITEVERIFY_URL, { method: "POST", body: form }));
    if (!response.ok) return false;
    const answer = siteverifyAnswer.safeParse(await response.json());
    return answer.success && answer.data.success && (answer.data.action === undefined || answer.data.action === JOIN_ACTION);
  } catch {
    return false;
  }
}
