import { exports } from "cloudflare:workers";
import { ORIGIN, cookieFrom } from "../support/client";

export interface PageResponse {
  status: number;
  headers: Headers;
  html: string;
  /** Where a redirect points, as a path. */
  location: string | null;
}

/**
 * Requests a page the way a browser without JavaScript does: HTML accepted, forms posted as
 * urlencoded with our Origin, redirects not followed (the test looks at them).
 */
export async function page(
  path: string,
  options: { cookie?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<PageResponse> {
  const headers = new Headers({ Accept: "text/html", ...options.headers });
  if (options.cookie) headers.set("Cookie", options.cookie);
  let body: string | undefined;
  if (options.form) {
    headers.set("Content-Type", "application/x-www-form-urlencoded");
    if (!headers.has("Origin")) headers.set("Origin", ORIGIN);
    body = new URLSearchParams(options.form).toString();
  }
  const response = await exports.default.fetch(`${ORIGIN}${path}`, {
    method: options.form ? "POST" : "GET",
    headers,
    body,
    redirect: "manual",
  });
  const location = response.headers.get("Location");
  return {
    status: response.status,
    headers: response.headers,
    html: await response.text(),
    location: location === null ? null : location.replace(ORIGIN, ""),
  };
}

/** The session cookie plus any flash cookie a response set, for the next request. */
export function withCookies(cookie: string, response: PageResponse): string {
  const set = cookieFrom(response.headers);
  return set ? `${cookie}; ${set}` : cookie;
}

/** Every accessible button label on a page (text without tags), to assert what someone can do. */
export function buttons(html: string): string[] {
  return [...html.matchAll(/<button[^>]*>([\s\S]*?)<\/button>/g)].map((match) =>
    match[1]!
      .replace(/<[^>]+>/g, "")
      .replace(/\s+/g, " ")
      .trim(),
  );
}
