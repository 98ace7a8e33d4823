import { describe, expect, it } from "vitest";
import { verifySigned, verifySignedOnce } from "./keyed-hash";

const secret = "a-secret-for-signed-values-0123456789";

/** Signs as better-auth does: `value.base64(HMAC-SHA256(secret, value))`. */
async function sign(value: string, key = secret): Promise<string> {
  const imported = await crypto.subtle.importKey("raw", new TextEncoder().encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", imported, new TextEncoder().encode(value)));
  return `${value}.${btoa(String.fromCharCode(...mac))}`;
}

describe("verifySigned", () => {
  it("returns the value of a correctly signed string, dots in the value included", async () => {
    expect(await verifySigned(secret, await sign("session-token"))).toBe("session-token");
    expect(await verifySigned(secret, await sign("a.b.c"))).toBe("a.b.c");
  });

  it("refuses a changed value, another secret's signature and a changed signature", async () => {
    const signed = await sign("session-token");
    const signature = signed.slice(signed.lastIndexOf(".") + 1);
    expect(await verifySigned(secret, `session-tokem.${signature}`)).toBeNull();
    expect(await verifySigned(secret, await sign("session-token", "another-secret"))).toBeNull();
    const flipped = `${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
    expect(await verifySigned(secret, `session-token.${flipped}`)).toBeNull();
  });

  it("refuses malformed input without throwing", async () => {
    const signed = await sign("session-token");
    const signature = signed.slice(signed.lastIndexOf(".") + 1);
    for (const input of [
      "session-token",
      `.${signature}`,
      `session-token.${signature.slice(0, -1)}`,
      `session-token.${signature}=`,
      `session-token.${signature.slice(0, -2)}-=`,
      `session-token.${"*".repeat(43)}=`,
      "",
    ]) {
      expect(await verifySigned(secret, input), input).toBeNull();
    }
  });
});

describe("verifySignedOnce", () => {
  it("answers as verifySigned does, before and after a string verified", async () => {
    const signed = await sign("remembered-token");
    const signature = signed.slice(signed.lastIndexOf(".") + 1);
    expect(await verifySignedOnce(secret, signed)).toBe("remembered-token");
    expect(await verifySignedOnce(secret, signed)).toBe("remembered-token");
    // What verified under one secret is not taken for another, nor a tampered copy.
    expect(await verifySignedOnce("another-secret-0123456789abcdef", signed)).toBeNull();
    expect(await verifySignedOnce(secret, `remembered-tokem.${signature}`)).toBeNull();
  });

  it("still verifies the first strings after more than its thousand have passed", async () => {
    const first = await sign("first");
    expect(await verifySignedOnce(secret, first)).toBe("first");
    for (let i = 0; i < 1_100; i += 1) expect(await verifySignedOnce(secret, await sign(`token-${i}`))).toBe(`token-${i}`);
    expect(await verifySignedOnce(secret, first)).toBe("first");
    expect(await verifySignedOnce(secret, `${first.slice(0, -2)}A=`)).toBeNull();
  });
});
