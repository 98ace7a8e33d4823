import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { signUp } from "../support/factories";

describe("GET /api/me", () => {
  it("describes the signed-in user with no org yet", async () => {
    const user = await signUp();
    const response = await api("/api/me", { as: user.cookie });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      user: { id: user.id, email: user.email, username: user.username, name: user.name },
      org: null,
      role: null,
    });
  });

  it("refuses a request without credentials with the contract's 401 body", async () => {
    const response = await api("/api/me");
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: { code: "unauthenticated", message: expect.any(String) } });
  });

  it("refuses a forged session cookie", async () => {
    const user = await signUp();
    const [name, value] = user.cookie.cookie.split("=") as [string, string];
    const [token] = decodeURIComponent(value).split(".");
    const forged = `${name}=${encodeURIComponent(`${token}.${"A".repeat(43)}=`)}`;
    expect((await api("/api/me", { as: { cookie: forged } })).status).toBe(401);
  });
});
