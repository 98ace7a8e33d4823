import { newId } from "../domain/ids";
import { AppError } from "../errors";
import { timed } from "../request-timing";
import type { CommandInput, CommandResult } from "../durable/command";
import type { OrgObject } from "../durable/org-object";

type OrgStub = DurableObjectStub<OrgObject>;

/** The object's command methods: those taking a CommandInput and answering a CommandResult. */
type CommandName = {
  [K in keyof OrgObject]-?: OrgObject[K] extends (input: infer I) => Promise<CommandResult<unknown>>
    ? I extends CommandInput
      ? K
      : never
    : never;
}[keyof OrgObject];

type ArgsOf<K extends CommandName> = OrgObject[K] extends (input: infer I) => unknown ? Omit<I, keyof CommandInput> : never;
type ValueOf<K extends CommandName> = OrgObject[K] extends (input: never) => Promise<CommandResult<infer T>> ? T : never;

/** The org's commands as the Worker calls them: the object's methods, minus what the caller supplies once. */
export type OrgClient = { [K in CommandName]: (args: ArgsOf<K>) => Promise<ValueOf<K>> };

export interface Caller {
  actorId: string;
  /**
   * The client's `Idempotency-Key` and the request it came with (src/routes/idempotency.ts):
   * the same key from the same person applies once, and a repeat of the same request gets
   * the first answer. Without one, each call is new.
   */
  idempotency?: { key: string; fingerprint: string } | undefined;
}

const RETRY_PAUSE_MS = 100;

/** An infrastructure failure that says the request may not have reached the object. */
function isRetryable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const flags = error as { retryable?: unknown; overloaded?: unknown };
  return flags.retryable === true && flags.overloaded !== true;
}

/**
 * Calls one org command. A reset object (eviction, deploy, a dropped connection) is retried
 * once on a fresh stub with the SAME operation id: the command is idempotent, so a first
 * attempt that did commit is answered from its stored result instead of applying twice.
 */
async function call<T>(env: Env, input: CommandInput, send: (stub: OrgStub, input: CommandInput) => Promise<CommandResult<T>>): Promise<T> {
  const invoke = () => timed("org", () => send(env.ORG.getByName(input.orgId), input));
  let result: CommandResult<T>;
  try {
    result = await invoke();
  } catch (error) {
    if (!isRetryable(error)) throw error;
    // An object still being reset refuses an immediate retry; a short pause lets it restart.
    await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
    result = await invoke();
  }
  if (!result.ok) throw new AppError(result.code, result.message);
  return result.value;
}

/**
 * The commands of org `orgId` for one caller, e.g. `orgClient(env, orgId, { actorId }).leave({})`:
 * each returns the command's value or throws the contract's AppError. The operation id is
 * the caller's key alone (scoped to the person, not to a command or org), so one key can
 * never stand for two requests: the object refuses a different one with 409.
 */
export function orgClient(env: Env, orgId: string, caller: Caller): OrgClient {
  const { actorId, idempotency } = caller;
  const base = (): CommandInput =>
    idempotency
      ? { operationId: `key:${actorId}:${idempotency.key}`, orgId, actorId, fingerprint: idempotency.fingerprint }
      : { operationId: newId(), orgId, actorId };
  return new Proxy({} as OrgClient, {
    get: (_target, name) => {
      if (typeof name !== "string" || name === "then") return undefined;
      return (args: object) =>
        call(env, { ...args, ...base() }, (stub, input) =>
          (stub as unknown as Record<string, (input: object) => Promise<CommandResult<unknown>>>)[name]!(input),
        );
    },
  });
}
