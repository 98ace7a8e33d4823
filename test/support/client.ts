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

/** `headers` plus the credential's: a cookie (with our Origin unless a GET or one is given) or a bearer token. */
export function credentialHeaders(as: Credential | undefined, method: string, headers: Record<string, string> = {}): Headers {
  const result = new Headers(headers);
  if (as && "cookie" in as) {
    result.set("Cookie", as.cookie);
    if (!result.has("Origin") && method !== "GET") result.set("Origin", ORIGIN);
  }
  if (as && "token" in as) result.set("Authorization", `Bearer ${as.token}`);
  return result;
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
  const headers = credentialHeaders(options.as, method, options.headers);
  if (options.body !== undefined) headers.set("Content-Type", "application/json");
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

/** A raw-bytes request (PUT of a file, part or archive, GET of one), answered as status, headers and body bytes or JSON. */
export async function raw(
  path: string,
  options: { method?: string; body?: BodyInit | null; as: Credential; headers?: Record<string, string> },
): Promise<{ status: number; headers: Headers; json: any; bytes: Uint8Array }> {
  const method = options.method ?? "GET";
  const response = await transport(new Request(`${ORIGIN}${path}`, { method, headers: credentialHeaders(options.as, method, options.headers), body: options.body ?? null }));
  const data = new Uint8Array(await response.arrayBuffer());
  const json = response.headers.get("Content-Type")?.includes("application/json") ? JSON.parse(new TextDecoder().decode(data)) : undefined;
  return { status: response.status, headers: response.headers, json, bytes: data };
}

/** The `name=value` pairs of a response's Set-Cookie headers, as a Cookie header. */
export function cookieFrom(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}
