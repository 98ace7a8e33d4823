import { describe, expect, it } from "vitest";
import { isJsonMediaType } from "../../src/domain/strict-input";
import { api, workerFetch } from "../support/client";

/** A request with exactly this Content-Type (the test client would set its own). */
async function sendAs(type: string, method: string, path: string, token: string, body: string): Promise<{ status: number; code: string }> {
  const { response, json } = await workerFetch(path, { method, body, headers: { "Content-Type": type, Authorization: `Bearer ${token}` } });
  const answer = json as { error: { code: string } };
  return { status: response.status, code: answer.error.code };
}
import { signUp, tokenFor } from "../support/factories";
import { createOrgFor } from "../support/org-factories";

const NOT_JSON = [
  "text/plain;application/json",
  "text/plain; charset=application/json",
  "multipart/form-data; boundary=application/json",
  "application/x-www-form-urlencoded; x=application/json",
  "application/jsonx",
  "text/json-ish",
];

describe("isJsonMediaType", () => {
  it.each([
    "application/json",
    "Application/JSON; charset=utf-8",
    " application/json ",
    "application/merge-patch+json",
    "application/vnd.api+json",
  ])("accepts %s", (type) => expect(isJsonMediaType(type)).toBe(true));
  it.each(NOT_JSON)("refuses %s", (type) => expect(isJsonMediaType(type)).toBe(false));
});

describe("JSON routes and media types", () => {
  it.each(NOT_JSON)("refuses a body sent as %s with 400 and changes nothing", async (type) => {
    const owner = await signUp();
    const org = await createOrgFor(owner, { name: "Before" });
    const token = await tokenFor(owner);
    expect(await sendAs(type, "PATCH", `/api/orgs/${org.id}`, token.token, JSON.stringify({ name: "After" }))).toEqual({
      status: 400,
      code: "invalid_request",
    });
    expect((await api(`/api/orgs/${org.id}`, { as: token })).body.org.name).toBe("Before");

    const loner = await tokenFor(await signUp());
    expect(await sendAs(type, "POST", "/api/orgs", loner.token, JSON.stringify({ name: "Sneaky" }))).toEqual({
      status: 400,
      code: "invalid_request",
    });
    expect((await api("/api/me", { as: loner })).body.org).toBeNull();
  });
});

describe("numeric query parameters", () => {
  it.each(["0x10", "1e1", "+5", " 5", "5 ", "1.0", "-1", "0", "101", "１６"])("refuses events?limit=%s with 400", async (limit) => {
    const owner = await signUp();
    const org = await createOrgFor(owner);
    const response = await api(`/api/orgs/${org.id}/events?limit=${encodeURIComponent(limit)}`, { as: owner.cookie });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_request");
  });

  it("reads plain decimal digits, and no limit as the default", async () => {
    const owner = await signUp();
    const org = await createOrgFor(owner);
    expect((await api(`/api/orgs/${org.id}/events?limit=16`, { as: owner.cookie })).status).toBe(200);
    expect((await api(`/api/orgs/${org.id}/events?limit=`, { as: owner.cookie })).status).toBe(200);
    expect((await api(`/api/orgs/${org.id}/events`, { as: owner.cookie })).status).toBe(200);
  });
});
