import { afterEach, describe, expect, it, vi } from "vitest";
import {
  codeExpiry,
  codeHint,
  CODE_LIFETIME_MS,
  formatCode,
  generateCodes,
  parseCodeInput,
  redeemCodeSchema,
  type RandomSource,
} from "./join-code";

/** mulberry32: a small seeded generator, so the uniformity test is reproducible. Tests only. */
function seededSource(seed: number): RandomSource {
  let state = seed >>> 0;
  return (array) => {
    for (let i = 0; i < array.length; i += 1) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      array[i] = (t ^ (t >>> 14)) >>> 0;
    }
    return array;
  };
}

/** Pearson's statistic of digit counts against the uniform expectation. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((sum, n) => sum + n, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
}

// 9 degrees of freedom (10 digits), significance 0.001.
const CRITICAL_9_DF = 27.877;

function digitCounts(codes: string[]): { perPosition: number[][]; overall: number[] } {
  const perPosition = Array.from({ length: 8 }, () => new Array<number>(10).fill(0));
  const overall = new Array<number>(10).fill(0);
  for (const code of codes) {
    [...code].forEach((ch, position) => {
      perPosition[position]![Number.parseInt(ch, 10)]! += 1;
      overall[Number.parseInt(ch, 10)]! += 1;
    });
  }
  return { perPosition, overall };
}

describe("generateCodes", () => {
  afterEach(() => vi.restoreAllMocks());

  it("draws 8 ASCII digits per code", () => {
    const codes = generateCodes(50);
    expect(codes).toHaveLength(50);
    for (const code of codes) expect(code).toMatch(/^[0-9]{8}$/);
  });

  it("draws from crypto.getRandomValues when no source is given", () => {
    const spy = vi.spyOn(crypto, "getRandomValues");
    generateCodes(3);
    expect(spy).toHaveBeenCalled();
  });

  it("keeps leading zeros", () => {
    expect(generateCodes(1, (array) => array.fill(42))).toEqual(["00000042"]);
  });

  it("draws again instead of folding the words above the last whole multiple of 10^8", () => {
    const words = [4_294_967_295, 4_200_000_000, 4_199_999_999];
    const source: RandomSource = (array) => {
      for (let i = 0; i < array.length; i += 1) array[i] = words.shift() ?? 7;
      return array;
    };
    expect(generateCodes(1, source)).toEqual(["99999999"]);
    expect(words).toEqual([]);
  });

  it("spreads the digits uniformly over 10,000 codes, per position and overall", () => {
    const { perPosition, overall } = digitCounts(generateCodes(10_000, seededSource(20_260_511)));
    for (const counts of perPosition) expect(chiSquare(counts)).toBeLessThan(CRITICAL_9_DF);
    expect(chiSquare(overall)).toBeLessThan(CRITICAL_9_DF);
  });

  it("has a uniformity check that catches a biased source", () => {
    const fair = seededSource(7);
    // Only 28 random bits: 0–68,435,455 come up three times as often as the rest.
    const biased: RandomSource = (array) => fair(array).map((word) => word & 0x0fffffff);
    const { perPosition } = digitCounts(generateCodes(10_000, biased));
    expect(chiSquare(perPosition[0]!)).toBeGreaterThan(CRITICAL_9_DF);
  });
});

describe("formatCode and codeHint", () => {
  it("shows a code as 1234-5678 and its hint as ••••-5678", () => {
    expect(formatCode("01234567")).toBe("0123-4567");
    expect(codeHint("01234567")).toBe("••••-4567");
  });
});

describe("codeExpiry", () => {
  it("ends a code's life 24 hours after it is made", () => {
    expect(codeExpiry(1_000)).toBe(1_000 + CODE_LIFETIME_MS);
    expect(CODE_LIFETIME_MS).toBe(86_400_000);
  });
});

describe("parseCodeInput", () => {
  it.each([
    ["12345678", "12345678"],
    ["1234-5678", "12345678"],
    ["00000001", "00000001"],
    [" 1234 5678 ", "12345678"],
    ["1 2 3 4 - 5 6 7 8", "12345678"],
  ])("reads %j as %s", (input, digits) => {
    expect(parseCodeInput(input)).toBe(digits);
  });

  it.each([
    ["", "empty"],
    ["1234567", "seven digits"],
    ["123456789", "nine digits"],
    ["1234--5678", "two dashes"],
    ["12-345678", "a dash out of place"],
    ["-12345678", "a leading dash"],
    ["１２３４５６７８", "fullwidth digits"],
    ["١٢٣٤٥٦٧٨", "Arabic-Indic digits"],
    ["१२३४५६७८", "Devanagari digits"],
    ["1e7", "an exponent"],
    ["1.0e7000", "a decimal exponent"],
    ["0x5F5E0FF", "hex"],
    ["+1234567", "a sign"],
    ["1234\t5678", "a tab"],
    ["1234\u00a05678", "a non-breaking space"],
    ["1234_5678", "an underscore"],
    ["1234–5678", "an en dash"],
  ])("refuses %j (%s)", (input) => {
    expect(parseCodeInput(input)).toBeNull();
  });
});

describe("redeemCodeSchema", () => {
  it("yields the digits as a string", () => {
    expect(redeemCodeSchema.parse({ code: "0012-3456" })).toEqual({ code: "00123456" });
  });

  it.each([{ code: 12345678 }, { code: "12345678", extra: 1 }, {}, { code: "x".repeat(65) }])("refuses %j", (body) => {
    expect(redeemCodeSchema.safeParse(body).success).toBe(false);
  });
});
