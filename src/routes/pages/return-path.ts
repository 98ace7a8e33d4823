/**
 * Where to go after signing in: only a path of this app (one leading "/", not "//" or "/\",
 * which browsers read as another host), else the dashboard.
 */
export function safeReturnPath(next: string | undefined | null): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001f]/.test(next)) return "/";
  return next;
}

/** The sign-in page, asked to come back to `url` (path and query) afterwards. */
export function signInPathBack(url: string): string {
  const { pathname, search } = new URL(url);
  return `/sign-in?next=${encodeURIComponent(pathname + search)}`;
}
