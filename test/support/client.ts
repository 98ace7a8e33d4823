import { exports } from "cloudflare:workers";
import { expectConforms } from "./openapi-conformance";

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

/** Sends every later request of this test file through `next`. */
export function sendRequestsThrough(next: Transport): void {
  transport = next;
}

function isJson(response: Response): boolean {
  return response.headers.get("Content-Type")?.includes("application/json") ?? false;
}

/**
 * The one way tests reach the Worker: every /api answer is held to the served OpenAPI document
 * (see openapi-conformance.ts) before the test sees it. The body comes back read: parsed JSON
 * when the answer is JSON, otherwise the bytes.
 */
export async function workerFetch(path: string, init: RequestInit = {}): Promise<{ response: Response; json: any; bytes: Uint8Array }> {
  const response = await conformingFetch(new URL(path, ORIGIN), init);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const json = isJson(response) ? JSON.parse(new TextDecoder().decode(bytes)) : undefined;
  return { response, json, bytes };
}

/** The same check as a plain fetch, for clients that read the answer themselves (the typed client). */
export async function conformingFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const response = await transport(request);
  const json = isJson(response) ? await response.clone().json() : undefined;
  await expectConforms(ORIGIN, request.method, new URL(request.url), response, json);
  return response;
}

/** Calls the Worker like a client would: JSON in, JSON (or text) out. */
export async function api<T = any>(path: string, options: ApiOptions = {}): Promise<ApiResponse<T>> {
  const method = options.method ?? (options.body === undefined ? "GET" : "POST");
  const headers = credentialHeaders(options.as, method, options.headers);
  if (options.body !== undefined) headers.set("Content-Type", "application/json");
  const { response, json, bytes } = await workerFetch(path, {
    method,
    headers,
    body: options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body),
  });
  return { status: response.status, headers: response.headers, body: json ?? new TextDecoder().decode(bytes) };
}

/** A raw-bytes request (PUT of a file, part or archive, GET of one), answered as status, headers and body bytes or JSON. */
export async function raw(
  path: string,
  options: { method?: string; body?: BodyInit | null; as: Credential; headers?: Record<string, string> },
): Promise<{ status: number; headers: Headers; json: any; bytes: Uint8Array }> {
  const method = options.method ?? "GET";
  const { response, json, bytes } = await workerFetch(path, {
    method,
    headers: credentialHeaders(options.as, method, options.headers),
    body: options.body ?? null,
  });
  return { status: response.status, headers: response.headers, json, bytes };
}

/** The `name=value` pairs of a response's Set-Cookie headers, as a Cookie header. */
export function cookieFrom(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}
