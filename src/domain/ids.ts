const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

function randomChars(length: number): string {
  // 36 does not divide 256: reject the top bytes so every character is equally likely.
  const limit = 256 - (256 % ALPHABET.length);
  let out = "";
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < limit && out.length < length) out += ALPHABET[byte % ALPHABET.length];
    }
  }
  return out;
}

/** An opaque id: 20 random base-36 characters (~103 bits). */
export function newId(): string {
  return randomChars(20);
}

/** A secret of 32 base-36 characters (~165 bits), for API tokens. */
export function newSecret(): string {
  return randomChars(32);
}

/**
 * A time-ordered id (12 base-36 chars of milliseconds, then randomness), so that sorting by
 * id is sorting by time: the audit log pages by it.
 */
export function newSortableId(now: number): string {
  return now.toString(36).padStart(12, "0") + randomChars(12);
}
