import { describe, expect, it } from "vitest";
import { USER_CODE_ALPHABET, decidePoll, formatUserCode, generateUserCode, parseUserCode } from "../../src/domain/device-login";

describe("generateUserCode", () => {
  it("draws 8 letters of the alphabet", () => {
    for (let i = 0; i < 50; i += 1) expect(generateUserCode()).toMatch(new RegExp(`^[${USER_CODE_ALPHABET}]{8}$`));
  });

  it("rejects bytes of 240 and above so every letter is equally likely", () => {
    const bytes = [240, 255, 0, 19, 20, 239, 241, 1, 2, 3, 4, 5];
    let next = 0;
    const code = generateUserCode((array) => {
      for (let i = 0; i < array.length; i += 1) array[i] = bytes[next++]!;
      return array;
    });
    // 240 and 255 skipped, then 0→B, 19→Z, 20→B, 239→Z (239 % 20 = 19), 241 skipped, 1→C, 2→D, 3→F, 4→G.
    expect(code).toBe("BZBZCDFG");
  });

  it("uses every letter about equally often", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i += 1) for (const letter of generateUserCode()) counts.set(letter, (counts.get(letter) ?? 0) + 1);
    expect(counts.size).toBe(20);
    // 16,000 letters: 800 each expected; a broken draw (say, modulo bias or a stuck byte) leaves this band.
    for (const count of counts.values()) expect(count).toBeGreaterThan(600);
  });
});

describe("parseUserCode", () => {
  it.each([
    ["BCDF-GHJK", "BCDFGHJK"],
    ["bcdf-ghjk", "BCDFGHJK"],
    [" bc df gh jk ", "BCDFGHJK"],
    ["BCDFGHJK", "BCDFGHJK"],
  ])("reads %j as %s", (input, code) => {
    expect(parseUserCode(input)).toBe(code);
  });

  it.each(["", "BCDF-GHJ", "BCDF-GHJKL", "ABCD-EFGH", "BCDF_GHJK", "ＢCDF-GHJK", "BCDF-GHJ1"])("refuses %j", (input) => {
    expect(parseUserCode(input)).toBeNull();
  });

  it("formats as two groups of four", () => {
    expect(formatUserCode("BCDFGHJK")).toBe("BCDF-GHJK");
  });
});

describe("decidePoll", () => {
  const base = { status: "pending" as const, expiresAt: 600_000, lastPolledAt: null, intervalSeconds: 5 };

  it("lets the first poll come at once", () => {
    expect(decidePoll(base, 0)).toEqual({ kind: "authorization_pending" });
  });

  it("answers slow_down sooner than the interval after the previous poll, and not at it", () => {
    expect(decidePoll({ ...base, lastPolledAt: 10_000 }, 14_999)).toEqual({ kind: "slow_down" });
    expect(decidePoll({ ...base, lastPolledAt: 10_000 }, 15_000)).toEqual({ kind: "authorization_pending" });
    expect(decidePoll({ ...base, lastPolledAt: 10_000, intervalSeconds: 10 }, 19_999)).toEqual({ kind: "slow_down" });
  });

  it("says expired_token once expired or used, whatever the pace", () => {
    expect(decidePoll({ ...base, lastPolledAt: 599_999 }, 600_000)).toEqual({ kind: "expired_token" });
    expect(decidePoll({ ...base, status: "used", lastPolledAt: 1 }, 2)).toEqual({ kind: "expired_token" });
  });

  it("follows the status otherwise", () => {
    expect(decidePoll({ ...base, status: "denied" }, 1)).toEqual({ kind: "access_denied" });
    expect(decidePoll({ ...base, status: "approved" }, 1)).toEqual({ kind: "mint" });
  });
});
