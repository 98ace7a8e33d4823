import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, inject, it } from "vitest";

/**
 * The served document checked against the OpenAPI 3.1 specification's own JSON Schema, by a
 * validator that is not ours. It runs here, in Node, because the validator compiles schemas
 * to code and workerd forbids code generation; the workerd suite checks every answer against
 * the document (test/support/openapi-conformance.ts).
 */
describe("GET /api/openapi.json", () => {
  async function served(): Promise<Record<string, unknown>> {
    const response = await fetch(new URL("/api/openapi.json", inject("baseURL")));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    return (await response.json()) as Record<string, unknown>;
  }

  it("is a valid OpenAPI 3.1 document whose every $ref resolves", async () => {
    const validator = new Validator();
    const result = await validator.validate(await served());
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    // Throws on a $ref that points nowhere.
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it("is judged by a validator that refuses a broken document", async () => {
    const { info: _info, ...withoutInfo } = await served();
    const result = await new Validator().validate(withoutInfo);
    expect(result.valid).toBe(false);
  });
});
