// The part of ws's API the CPU profiler uses (the package ships no types).
declare module "ws" {
  export default class WebSocket {
    constructor(url: string, options?: { headers?: Record<string, string> });
    on(event: "open", listener: () => void): this;
    on(event: "error", listener: (error: Error) => void): this;
    on(event: "message", listener: (data: Buffer) => void): this;
    send(data: string): void;
    close(): void;
  }
}
