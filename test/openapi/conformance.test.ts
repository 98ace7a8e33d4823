import { describe, expect, it } from "vitest";
import { ORIGIN } from "../support/client";
import { expectConforms } from "../support/openapi-conformance";

/** The check every test's answers pass through (test/support/client.ts), shown to bite. */
function answer(status: number, body: unknown, type = "application/json"): [Response, unknown] {
  const text = body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body);
  return [new Response(text, { status, headers: text === null ? {} : { "Content-Type": type } }), body];
}

const at = (path: string) => new URL(path, ORIGIN);
const me = { user: { id: "u", email: "e@example.com", username: "ada", name: "Ada" }, org: null, role: null };

describe("the OpenAPI conformance check of test answers", () => {
  it("passes an answer that matches the document", async () => {
    await expect(expectConforms(ORIGIN, "GET", at("/api/me"), ...answer(200, me))).resolves.toBeUndefined();
    await expect(
      expectConforms(ORIGIN, "GET", at("/api/me"), ...answer(401, { error: { code: "unauthenticated", message: "Sign in." } })),
    ).resolves.toBeUndefined();
    await expect(expectConforms(ORIGIN, "DELETE", at("/api/tokens/t1"), ...answer(204, undefined))).resolves.toBeUndefined();
    // Pages are not the API's business.
    await expect(expectConforms(ORIGIN, "GET", at("/members"), ...answer(200, "<html>", "text/html"))).resolves.toBeUndefined();
  });

  it("fails a body that breaks its schema", async () => {
    await expect(expectConforms(ORIGIN, "GET", at("/api/me"), ...answer(200, { ...me, role: "boss" }))).rejects.toThrow(
      /does not match its schema/,
    );
    await expect(expectConforms(ORIGIN, "GET", at("/api/me"), ...answer(401, { error: { code: "nope", message: "x" } }))).rejects.toThrow(
      /does not match/,
    );
  });

  it("fails a status the operation does not document", async () => {
    await expect(
      expectConforms(ORIGIN, "GET", at("/api/me"), ...answer(418, { error: { code: "conflict", message: "x" } })),
    ).rejects.toThrow(/status not documented/);
  });

  it("fails a media type the status does not declare", async () => {
    await expect(expectConforms(ORIGIN, "GET", at("/api/me"), ...answer(200, "<p>hi</p>", "text/html"))).rejects.toThrow(
      /answered text\/html/,
    );
  });

  it("fails a success on a path or method the document does not have", async () => {
    await expect(expectConforms(ORIGIN, "GET", at("/api/nowhere"), ...answer(200, {}))).rejects.toThrow(/undocumented operation/);
    await expect(expectConforms(ORIGIN, "PUT", at("/api/me"), ...answer(200, me))).rejects.toThrow(/undocumented operation/);
    await expect(
      expectConforms(ORIGIN, "GET", at("/api/nowhere"), ...answer(404, { error: { code: "not_found", message: "Not found." } })),
    ).resolves.toBeUndefined();
  });

  it("matches the most literal path template: an upload's parts are not a file", async () => {
    const part = at("/api/orgs/o1/volumes/v1/uploads/up1/parts/1");
    await expect(expectConforms(ORIGIN, "PUT", part, ...answer(200, { n: 1, size: 5, sha256: "x" }))).rejects.toThrow(
      /uploads\/\{uploadId\}\/parts\/\{n\}/,
    );
  });
});
