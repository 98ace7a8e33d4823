// @ts-check
import { CliError, EXIT, notSignedIn } from "./errors.js";

/**
 * @typedef {{
 *   json?: unknown,
 *   body?: BodyInit | NodeJS.ReadableStream,
 *   headers?: Record<string, string>,
 *   query?: Record<string, string | number | undefined>,
 *   raw?: boolean,
 *   auth?: boolean,
 *   signal?: AbortSignal,
 * }} RequestOptions
 */

/** Percent-encodes each segment of a file path, as the contract asks of clients. */
export function encodePath(/** @type {string} */ path) {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** @param {Response} response */
async function errorFrom(response) {
  const text = await response.text().catch(() => "");
  /** @type {{ error?: { code?: string, message?: string } }} */
  let body = {};
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy, a crash): report the status.
  }
  const code = body.error?.code;
  const message = body.error?.message || `${response.status} ${response.statusText}`.trim();
  if (response.status === 401) {
    return new CliError(`${message} Run \`cohort login\` to sign in.`, { exitCode: EXIT.signedOut, code, status: 401 });
  }
  const retryAfter = response.headers.get("Retry-After");
  return new CliError(retryAfter ? `${message} (retry after ${retryAfter} s)` : message, { code, status: response.status });
}

/**
 * A client of the Cohort HTTP API at `url`, authenticated with `token`.
 * @param {{ url: string, token?: string }} connection
 */
export function createApi({ url, token }) {
  /**
   * @param {string} method
   * @param {string} path
   * @param {RequestOptions} [options]
   * @returns {Promise<any>} the parsed JSON answer (`null` for 204), or the Response when `raw`
   */
  async function request(method, path, options = {}) {
    if (options.auth !== false && !token) throw notSignedIn();
    const target = new URL(url + path);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== "") target.searchParams.set(name, String(value));
    }
    /** @type {Record<string, string>} */
    const headers = { Accept: "application/json", ...options.headers };
    if (token && options.auth !== false) headers.Authorization = `Bearer ${token}`;
    /** @type {RequestInit & { duplex?: "half" }} */
    const init = { method, headers, signal: options.signal };
    if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.json);
    } else if (options.body !== undefined) {
      init.body = /** @type {BodyInit} */ (options.body);
      // Node's fetch streams a body only in half-duplex mode.
      init.duplex = "half";
    }
    let response;
    try {
      response = await fetch(target, init);
    } catch (error) {
      const cause = /** @type {{ cause?: { code?: string, message?: string, errors?: { code?: string }[] } }} */ (error).cause;
      const why = cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? /** @type {Error} */ (error).message;
      throw new CliError(`Cannot reach ${url}: ${why}`);
    }
    if (!response.ok) throw await errorFrom(response);
    if (options.raw) return response;
    if (response.status === 204) return null;
    const text = await response.text();
    if (text === "") return null;
    try {
      return JSON.parse(text);
    } catch {
      throw new CliError(`The server at ${url} answered ${method} ${path} with something that is not JSON.`);
    }
  }

  return {
    url,
    request,
    /** @param {string} path @param {RequestOptions} [options] */
    get: (path, options) => request("GET", path, options),
    /** @param {string} path @param {unknown} [json] @param {RequestOptions} [options] */
    post: (path, json = {}, options) => request("POST", path, { ...options, json }),
    /** @param {string} path @param {unknown} json */
    put: (path, json) => request("PUT", path, { json }),
    /** @param {string} path @param {unknown} json */
    patch: (path, json) => request("PATCH", path, { json }),
    /** @param {string} path */
    delete: (path) => request("DELETE", path),
  };
}

/** @typedef {ReturnType<typeof createApi>} Api */
