import { newId, newSecret } from "./ids";
import { keyedHash } from "./keyed-hash";

/** An API token as it is made: the secret (shown once) and the row that keeps only its keyed hash. */
export interface NewApiToken {
  token: string;
  record: { id: string; userId: string; name: string; tokenHash: string; createdAt: Date };
}

/** The one way API tokens are made, by POST /api/tokens and by device login alike. */
export async function newApiToken(hashSecret: string, input: { userId: string; name: string; now: number }): Promise<NewApiToken> {
  const token = `coh_${newSecret()}`;
  return {
    token,
    record: {
      id: newId(),
      userId: input.userId,
      name: input.name,
      tokenHash: await keyedHash(hashSecret, token),
      createdAt: new Date(input.now),
    },
  };
}
