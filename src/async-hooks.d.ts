// workerd provides node:async_hooks under nodejs_compat; the Worker's types leave Node's out, so
// this declares the one class the Worker uses (src/request-timing.ts).
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    run<R>(store: T, callback: () => R): R;
    getStore(): T | undefined;
  }
}
