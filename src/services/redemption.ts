import { clock } from "../clock";
import type { Config } from "../config";
import { createDb } from "../db/client";
import { accountCreatedAt, findLiveCodeByHash } from "../db/join-code-queries";
import { keyedHash } from "../domain/keyed-hash";
import { AppError } from "../errors";
import type { Redemption } from "../durable/join-code-commands";
import { admitRedemption } from "./join-gate";
import { orgClient } from "./org-client";

export interface Redeemer {
  userId: string;
  username: string;
  /** Whether the person already belongs to an org (from the request's fresh principal). */
  inOrg: boolean;
  /** The client address the attempt counts against. */
  address: string;
  /** A solved Turnstile challenge, asked for only while the guessing budget is spent. */
  turnstileToken?: string | undefined;
}

/**
 * Redeems a parsed code for a person, as POST /api/join and the setup page both do: the
 * throttles and the one indexed lookup in parallel, then at most one request to the one org
 * object that holds the code. Unknown, used, revoked and expired codes get one and the same
 * answer. `waitUntil` keeps the success bookkeeping off the response's path.
 */
export async function redeemJoinCode(
  env: Env,
  config: Config,
  who: Redeemer,
  digits: string,
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<Redemption> {
  // Before any lookup: a member must not learn whether a code is live from a 409 versus a 404.
  if (who.inOrg) throw new AppError("already_in_org");

  const db = createDb(env.DB);
  const [admission, found] = await Promise.all([
    admitRedemption(env, config, who, () => accountCreatedAt(db, who.userId)),
    keyedHash(config.codeHashSecret, digits).then((hash) => findLiveCodeByHash(db, hash, new Date(clock.now()))),
  ]);
  if (!admission.admitted) {
    const { retryAfterSeconds, challenge } = admission;
    if (!challenge) throw new AppError("rate_limited", undefined, { retryAfterSeconds });
    throw new AppError("rate_limited", "Too many failed attempts everywhere: solve the human check to try this code now.", {
      retryAfterSeconds,
      details: { challenge: "turnstile", siteKey: challenge.siteKey },
    });
  }
  if (!found) {
    await admission.failed();
    throw new AppError("invalid_code");
  }
  try {
    const { orgId, ...code } = found;
    const redemption = await orgClient(env, orgId, { actorId: who.userId }).redeemCode({ code, username: who.username });
    waitUntil(admission.succeeded());
    return redemption;
  } catch (error) {
    // A lost race (the code used meanwhile, or this user joined another org) counts as a
    // failure too: otherwise a 409 here would be a free test of whether a code is live.
    await admission.failed();
    throw error;
  }
}
