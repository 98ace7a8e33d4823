// The part of autocannon's API the load child uses (the package ships no types).
declare module "autocannon" {
  namespace autocannon {
    interface Request {
      path?: string;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
    }
    interface Options {
      url: string;
      connections: number;
      duration: number;
      timeout?: number;
      requests: { setupRequest: (request: Request) => Request }[];
    }
    interface Instance {
      on(event: "start", listener: () => void): void;
      on(event: "response", listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): void;
      on(event: "reqError", listener: (error: Error) => void): void;
      on(event: "done", listener: (result: unknown) => void): void;
      stop(): void;
    }
  }
  function autocannon(options: autocannon.Options): autocannon.Instance;
  export default autocannon;
}
