import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { signUp, tokenFor, unique } from "../support/factories";
import { createOrgFor } from "../support/org-factories";

const LONE = "\uD800";
// Sent as JSON text, so the lone surrogate travels as the escape `\ud800` that JSON.parse turns back into one.
const body = (value: Record<string, unknown>) => JSON.stringify(value);

describe("strings that are not well-formed", () => {
  it("refuses a profile field with a lone surrogate and stores nothing", async () => {
    const owner = await signUp();
    const org = await createOrgFor(owner, { name: "Intact" });
    const response = await api(`/api/orgs/${org.id}`, {
      method: "PATCH",
      body: body({ name: `x${LONE}`.padEnd(100, "y") }),
      as: owner.cookie,
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_request");
    expect(response.body.error.details[0].field).toBe("name");
    expect((await api(`/api/orgs/${org.id}`, { as: owner.cookie })).body.org.name).toBe("Intact");
  });

  it("refuses one at org creation and at sign-up", async () => {
    const loner = await tokenFor(await signUp());
    expect((await api("/api/orgs", { body: body({ name: `Lab ${LONE}` }), as: loner })).status).toBe(400);
    expect((await api("/api/me", { as: loner })).body.org).toBeNull();
    const username = unique("u");
    const response = await api("/api/auth/sign-up/email", {
      body: body({ email: `${username}@example.com`, password: "long enough", name: `Ada ${LONE}`, username }),
    });
    expect(response.status).toBe(400);
    expect((await api("/api/auth/sign-in/email", { body: { email: `${username}@example.com`, password: "long enough" } })).status).toBe(
      401,
    );
  });

  it("keeps well-formed astral characters as they were sent", async () => {
    const owner = await signUp();
    const org = await createOrgFor(owner);
    const name = "😀".repeat(50);
    expect((await api(`/api/orgs/${org.id}`, { method: "PATCH", body: { name }, as: owner.cookie })).status).toBe(200);
    expect((await api(`/api/orgs/${org.id}`, { as: owner.cookie })).body.org.name).toBe(name);
  });
});

describe("password length in characters", () => {
  it("accepts a password of 100 emoji at sign-up and sign-in", async () => {
    const password = "🔑".repeat(100);
    const user = await signUp({ password });
    const signIn = await api("/api/auth/sign-in/email", { body: { email: user.email, password } });
    expect(signIn.status).toBe(200);
  });

  it("accepts 128 characters and refuses 129", async () => {
    expect((await signUp({ password: "é".repeat(64) + "🔑".repeat(64) })).id).toBeTruthy();
    const username = unique("u");
    const response = await api("/api/auth/sign-up/email", {
      body: { email: `${username}@example.com`, password: "🔑".repeat(129), name: "Too long", username },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_request");
  });
});
