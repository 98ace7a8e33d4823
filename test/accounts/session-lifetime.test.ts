import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../src/clock";
import { api } from "../support/client";
import { signUp } from "../support/factories";

const DAY = 24 * 60 * 60 * 1000;
const realNow = clock.now;
afterEach(() => {
  clock.now = realNow;
});

function at(ms: number) {
  clock.now = () => ms;
}

async function sessionEnd(userId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT max(expires_at) AS end FROM session WHERE user_id = ?").bind(userId).first<{ end: number }>();
  return row!.end;
}

describe("session lifetime", () => {
  it("ends a session a week after sign-in when it is not used", async () => {
    const start = realNow();
    const user = await signUp();
    at(start + 7 * DAY + 60_000);
    expect((await api("/api/me", { as: user.cookie })).status).toBe(401);
  });

  it("does not extend a session used again within a day", async () => {
    const start = realNow();
    const user = await signUp();
    const end = await sessionEnd(user.id);
    at(start + DAY / 2);
    const response = await api("/api/me", { as: user.cookie });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await sessionEnd(user.id)).toBe(end);
  });

  it("extends a session in use to a full week, server-side and in its cookie", async () => {
    const start = realNow();
    const user = await signUp();
    at(start + 2 * DAY);
    const response = await api("/api/me", { as: user.cookie });
    expect(response.status).toBe(200);
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toContain(user.cookie.cookie.split(";")[0]);
    expect(cookie).toMatch(/Max-Age=604800/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Secure/i);
    expect(await sessionEnd(user.id)).toBe(start + 9 * DAY);
    at(start + 8 * DAY);
    expect((await api("/api/me", { as: user.cookie })).status).toBe(200);
  });
});
