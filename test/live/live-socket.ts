import { exports } from "cloudflare:workers";
import { ORIGIN, type Credential } from "../support/client";

export interface ChangedMessage {
  type: string;
  topics: string[];
  at: string;
}

/** A test's end of a live socket: messages and the close, each awaited in order. */
export class LiveSocket {
  readonly #messages: string[] = [];
  readonly #waiting: ((message: string) => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.accept();
    ws.addEventListener("message", (event) => {
      const text = typeof event.data === "string" ? event.data : "(binary)";
      const waiter = this.#waiting.shift();
      if (waiter) waiter(text);
      else this.#messages.push(text);
    });
    this.closed = new Promise((resolve) => ws.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason })));
  }

  next(): Promise<string> {
    const queued = this.#messages.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  async nextChange(): Promise<ChangedMessage> {
    return JSON.parse(await this.next()) as ChangedMessage;
  }

  /** Messages received and not yet read. */
  get pending(): number {
    return this.#messages.length;
  }

  close(): void {
    try {
      this.ws.close(1000, "test over");
    } catch {
      // already closed by the server
    }
  }
}

/** Sockets opened by a test, closed after it: an object left awaiting a socket can crash the test runtime. */
export const openSockets: LiveSocket[] = [];

export function closeAll(): void {
  for (const socket of openSockets.splice(0)) socket.close();
}

/** The upgrade request as a browser (cookie + our Origin) or a CLI (bearer token) sends it. */
export async function upgrade(orgId: string, as: Credential, headers: Record<string, string> = {}): Promise<Response> {
  const sent = new Headers({ Upgrade: "websocket", Connection: "Upgrade" });
  if (as && "cookie" in as) {
    sent.set("Cookie", as.cookie);
    sent.set("Origin", ORIGIN);
  }
  if (as && "token" in as) sent.set("Authorization", `Bearer ${as.token}`);
  for (const [name, value] of Object.entries(headers)) {
    if (value === "") sent.delete(name);
    else sent.set(name, value);
  }
  return exports.default.fetch(`${ORIGIN}/api/orgs/${orgId}/live`, { headers: sent });
}

export async function connect(orgId: string, as: Credential, headers: Record<string, string> = {}): Promise<LiveSocket> {
  const response = await upgrade(orgId, as, headers);
  if (response.status !== 101 || !response.webSocket) throw new Error(`upgrade failed: ${response.status} ${await response.text()}`);
  const socket = new LiveSocket(response.webSocket);
  openSockets.push(socket);
  return socket;
}
