import type { ThrottleDecision, ThrottleRule } from "../domain/throttle";

/** The throttle object of one rule and key, e.g. ("sign-in:account", "ada@example.com"). */
export function throttleFor(env: Env, rule: ThrottleRule, key: string) {
  const stub = env.THROTTLE.getByName(`${rule.name}:${key}`);
  const limits = { limit: rule.limit, windowMs: rule.windowMs };
  return {
    reserve: (): Promise<ThrottleDecision> => stub.reserve(limits),
    check: () => stub.check(limits),
    record: (): Promise<number> => stub.record(limits),
    forgive: (ticket: string): Promise<void> => stub.forgive(ticket),
  };
}
