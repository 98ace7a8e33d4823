import { describe, expect, it } from "vitest";
import { verifySigned } from "./keyed-hash";

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
