import { describe, expect, it } from "vitest";
import { volumeSchema, wantsAll } from "./volume";

describe("volume schemas", () => {
  it("requires a volume's whole positive size", () => {
    expect(volumeSchema.parse({ name: "data", sizeGb: 10 })).toEqual({ name: "data", sizeGb: 10 });
    for (const sizeGb of [0, -1, 2.5, "10", undefined]) expect(volumeSchema.safeParse({ name: "data", sizeGb }).success).toBe(false);
  });

  it("reads ?all=1 and ?all=true as every volume", () => {
    expect([wantsAll("1"), wantsAll("true"), wantsAll("0"), wantsAll(undefined)]).toEqual([true, true, false, false]);
  });
});
