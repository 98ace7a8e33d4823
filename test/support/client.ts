import { exports } from "cloudflare:workers";

export const ORIGIN = "http://cohort.test";

/** How a test request authenticates: a session cookie (with our Origin), a bearer token, or nothing. */
export type Credential = { cookie: string } | { token: string } | null;

export interface ApiOptions {
  method?: string;
  body?: unknown;
  as?: Credential;
  headers?: Record<string, string>;
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** How a request reaches the Worker; by default through its `exports` binding, as another Worker would call it. */
export type Transport = (request: Request) => Promise<Response>;
let transport: Transport = (request) => exports.default.fetch(request);

/** Sends every later `api()` request of this test file through `next`. */
export function sendRequestsThrough(next: Transport): void {
  transport = next;
}

/** Calls the Worker like a client would: JSON in, JSON (or text) out. */
export async function api<T = any>(path: string, options: ApiOptions = {}): Promise<ApiResponse<T>> {
  const method = options.method ?? (options.body === undefined ? "GET" : "POST");
  const headers = new Headers(options.headers);
  if (options.body !== undefined) headers.set("Content-Type", "application/json");
  const as = options.as;
  if (as && "cookie" in as) {
    headers.set("Cookie", as.cookie);
    if (!headers.has("Origin") && method !== "GET") headers.set("Origin", ORIGIN);
  }
  if (as && "token" in as) headers.set("Authorization", `Bearer ${as.token}`);
  const response = await transport(
    new Request(`${ORIGIN}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body),
    }),
  );
  const text = await response.text();
  let body: any = text;
  if (response.headers.get("Content-Type")?.includes("application/json")) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body };
}

/** The `name=value` pairs of a response's Set-Cookie headers, as a Cookie header. */
export function cookieFrom(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}
