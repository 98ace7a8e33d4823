/**
 * Runs tasks one at a time, in arrival order. A Durable Object's input gate opens while it
 * awaits D1, so without this two commands could interleave between read and write.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    // A failed task must not block the ones behind it.
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
