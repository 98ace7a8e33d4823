import { DurableObject } from "cloudflare:workers";
import { SerialQueue } from "./serial-queue";

/**
 * One object per organization, reached with `env.ORG.getByName(orgId)`. Every membership
 * mutation of the org runs through its serial queue: read fresh state from D1, decide with
 * domain/ rules, write in one atomic batch with guards.
 */
export class OrgObject extends DurableObject<Env> {
  readonly #queue = new SerialQueue();

  protected serially<T>(task: () => Promise<T>): Promise<T> {
    return this.#queue.run(task);
  }
}
