import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("GET /api/me", () => {
  it("refuses a request without credentials", async () => {
    const response = await exports.default.fetch("http://cohort.test/api/me");
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: "unauthenticated", message: expect.any(String) } });
  });
});
