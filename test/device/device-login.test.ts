import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { clock } from "../../src/clock";
import { USER_CODE_ALPHABET } from "../../src/domain/device-login";
import { ORIGIN, api } from "../support/client";
import { signUp, tokenFor } from "../support/factories";
import { approve, deny, poll, startLogin } from "./helpers";
import { frozenClock, restoreClockAfterEach } from "../support/clock";

restoreClockAfterEach();

describe("POST /api/device/code", () => {
  it("answers the codes, the verification URIs of the app's own origin, expiresIn 600 and interval 5", async () => {
    const grant = await startLogin("cohort CLI on laptop");
    expect(grant).toEqual({
      deviceCode: expect.any(String),
      userCode: expect.stringMatching(new RegExp(`^[${USER_CODE_ALPHABET}]{4}-[${USER_CODE_ALPHABET}]{4}$`)),
      verificationUri: `${ORIGIN}/device`,
      verificationUriComplete: `${ORIGIN}/device?code=${grant.userCode}`,
      expiresIn: 600,
      interval: 5,
    });
  });

  it('accepts no body at all, and names the token "Device login" then', async () => {
    const response = await api("/api/device/code", { method: "POST" });
    expect(response.status).toBe(200);
    const user = await signUp();
    await approve(response.body.userCode, user.cookie);
    const token = await poll(response.body.deviceCode);
    expect(token.status).toBe(200);
    const list = await api("/api/tokens", { as: user.cookie });
    expect(list.body.tokens.map((t: { name: string }) => t.name)).toContain("Device login");
  });

  it("stores only keyed hashes of both codes", async () => {
    const grant = await startLogin("hash check");
    const rows = JSON.stringify((await env.DB.prepare("SELECT * FROM device_authorization").all()).results);
    expect(rows).not.toContain(grant.deviceCode);
    expect(rows).not.toContain(grant.userCode);
    expect(rows).not.toContain(grant.userCode.replace("-", ""));
  });

  it.each([
    ["a client name over 100 characters", { clientName: "x".repeat(101) }],
    ["an unknown field", { clientName: "x", scope: "all" }],
    ["a name that is not a string", { clientName: 7 }],
  ])("refuses %s with 400 invalid_request", async (_label, body) => {
    const response = await api("/api/device/code", { body });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_request");
  });

  it("trims the client name", async () => {
    const grant = await startLogin("  my laptop  ");
    const user = await signUp();
    expect((await approve(grant.userCode, user.cookie)).body).toEqual({ clientName: "my laptop" });
  });
});

describe("POST /api/device/token", () => {
  it("answers authorization_pending before approval; the first poll may come at once", async () => {
    const grant = await startLogin("pending");
    const response = await poll(grant.deviceCode);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("authorization_pending");
  });

  it("answers slow_down to a poll sooner than the interval, and then raises the interval by 5 s", async () => {
    const advance = frozenClock();
    const grant = await startLogin("fast poller");
    expect((await poll(grant.deviceCode)).body.error.code).toBe("authorization_pending");
    advance(4_000);
    expect((await poll(grant.deviceCode)).body.error.code).toBe("slow_down");
    // The interval is now 10 s, counted from the slow poll.
    advance(9_000);
    expect((await poll(grant.deviceCode)).body.error.code).toBe("slow_down");
    advance(15_000);
    expect((await poll(grant.deviceCode)).body.error.code).toBe("authorization_pending");
  });

  it("answers a poll at exactly the interval normally", async () => {
    const advance = frozenClock();
    const grant = await startLogin("steady poller");
    expect((await poll(grant.deviceCode)).body.error.code).toBe("authorization_pending");
    advance(5_000);
    expect((await poll(grant.deviceCode)).body.error.code).toBe("authorization_pending");
  });

  it("gives an ordinary API token once approved, exactly once, then expired_token", async () => {
    const advance = frozenClock();
    const user = await signUp();
    const grant = await startLogin("cohort CLI on laptop");
    expect((await poll(grant.deviceCode)).status).toBe(400);
    const approved = await approve(grant.userCode, user.cookie);
    expect(approved.status).toBe(200);
    expect(approved.body).toEqual({ clientName: "cohort CLI on laptop" });
    advance(5_000);
    const response = await poll(grant.deviceCode);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      token: expect.stringMatching(/^coh_[0-9a-z]{32}$/),
      tokenId: expect.any(String),
      user: { id: user.id, username: user.username },
    });
    advance(5_000);
    const again = await poll(grant.deviceCode);
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe("expired_token");
  });

  it("mints a token that works on /api/me, is listed in /api/tokens under the client's name, and is revoked there", async () => {
    const user = await signUp();
    const grant = await startLogin("cohort CLI on laptop");
    await approve(grant.userCode, user.cookie);
    const { body } = await poll(grant.deviceCode);
    const credential = { token: body.token as string };
    const me = await api("/api/me", { as: credential });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(user.id);
    const list = await api("/api/tokens", { as: user.cookie });
    expect(list.body.tokens.find((token: { id: string }) => token.id === body.tokenId)).toMatchObject({
      name: "cohort CLI on laptop",
      createdAt: expect.any(String),
    });
    expect((await api(`/api/tokens/${body.tokenId}`, { method: "DELETE", as: user.cookie })).status).toBe(204);
    expect((await api("/api/me", { as: credential })).status).toBe(401);
  });

  it("gives the token to exactly one of many concurrent polls", async () => {
    const user = await signUp();
    const grant = await startLogin("racer");
    await approve(grant.userCode, user.cookie);
    const responses = await Promise.all(Array.from({ length: 8 }, () => poll(grant.deviceCode)));
    const won = responses.filter((response) => response.status === 200);
    expect(won).toHaveLength(1);
    for (const lost of responses.filter((response) => response.status !== 200)) {
      expect(lost.status).toBe(400);
      expect(["slow_down", "expired_token"]).toContain(lost.body.error.code);
    }
    const tokens = await env.DB.prepare("SELECT count(*) AS n FROM api_token WHERE user_id = ?").bind(user.id).first<{ n: number }>();
    expect(tokens?.n).toBe(1);
  });

  it("gives the token to exactly one of concurrent polls that each respect the interval", async () => {
    // Each poll comes after the interval, so only the mint's own guard can stop a second token.
    const advance = frozenClock();
    const user = await signUp();
    const grants = await Promise.all([startLogin("a"), startLogin("b")]);
    const grant = grants[0]!;
    await approve(grant.userCode, user.cookie);
    advance(60_000);
    const { mintDeviceToken } = await import("../../src/db/device-login-queries");
    const { createDb } = await import("../../src/db/client");
    const db = createDb(env.DB);
    const row = await env.DB.prepare("SELECT id FROM device_authorization WHERE client_name = 'a' AND user_id = ?")
      .bind(user.id)
      .first<{ id: string }>();
    const mints = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        mintDeviceToken(db, {
          id: row!.id,
          token: { id: `race-${n}-${row!.id}`, name: "a", tokenHash: `hash-${n}-${row!.id}`, createdAt: new Date() },
          now: new Date(clock.now()),
        }),
      ),
    );
    expect(mints.filter((owner) => owner !== null)).toHaveLength(1);
    const tokens = await env.DB.prepare("SELECT count(*) AS n FROM api_token WHERE user_id = ?").bind(user.id).first<{ n: number }>();
    expect(tokens?.n).toBe(1);
  });

  it("answers access_denied once denied", async () => {
    const user = await signUp();
    const grant = await startLogin("denied");
    const denied = await deny(grant.userCode, user.cookie);
    expect(denied.status).toBe(200);
    const response = await poll(grant.deviceCode);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("access_denied");
  });

  it("answers expired_token after 600 s, approved or not", async () => {
    const advance = frozenClock();
    const user = await signUp();
    const pending = await startLogin("slow person");
    const approved = await startLogin("late poller");
    await approve(approved.userCode, user.cookie);
    advance(600_000);
    for (const grant of [pending, approved]) {
      const response = await poll(grant.deviceCode);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe("expired_token");
    }
  });

  it("answers expired_token to an unknown device code", async () => {
    const response = await poll("cohd_nothing");
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("expired_token");
  });

  it("refuses a missing device code with 400 invalid_request", async () => {
    const response = await api("/api/device/token", { body: {} });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_request");
  });
});

describe("POST /api/device/approve", () => {
  it("ignores dashes, spaces and case in the user code, and works with a token too", async () => {
    const user = await signUp();
    const grant = await startLogin("messy typing");
    const typed = ` ${grant.userCode.slice(0, 2).toLowerCase()} ${grant.userCode.slice(2)} `;
    const response = await approve(typed, await tokenFor(user));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ clientName: "messy typing" });
  });

  it("lets a user in no org approve (device login is for the account)", async () => {
    const user = await signUp();
    const me = await api("/api/me", { as: user.cookie });
    expect(me.body.org).toBeNull();
    const grant = await startLogin("no org");
    expect((await approve(grant.userCode, user.cookie)).status).toBe(200);
  });

  it("answers 404 invalid_code for an unknown, expired or already decided code", async () => {
    const advance = frozenClock();
    const user = await signUp();
    const decided = await startLogin("decided");
    const denied = await startLogin("denied");
    const expired = await startLogin("expired");
    expect((await approve(decided.userCode, user.cookie)).status).toBe(200);
    expect((await deny(denied.userCode, user.cookie)).status).toBe(200);
    advance(600_000);
    for (const code of ["BBBB-BBBB", "not a code", decided.userCode, denied.userCode, expired.userCode]) {
      const response = await approve(code, user.cookie);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe("invalid_code");
    }
    const denyExpired = await deny(expired.userCode, user.cookie);
    expect(denyExpired.status).toBe(404);
    expect(denyExpired.body.error.code).toBe("invalid_code");
  });

  it("lets only one of two racing decisions count", async () => {
    const [a, b] = await Promise.all([signUp(), signUp()]);
    const grant = await startLogin("contested");
    const responses = await Promise.all([approve(grant.userCode, a.cookie), deny(grant.userCode, b.cookie)]);
    expect(responses.map((response) => response.status).sort()).toEqual([200, 404]);
  });

  it("needs a signed-in person", async () => {
    const grant = await startLogin("anonymous");
    const response = await approve(grant.userCode, null);
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe("unauthenticated");
  });

  it("refuses a cookie request from a foreign Origin with 403 csrf, and leaves the login pending", async () => {
    const user = await signUp();
    const grant = await startLogin("csrf target");
    const response = await approve(grant.userCode, user.cookie, { Origin: "https://evil.example" });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe("csrf");
    expect((await poll(grant.deviceCode)).body.error.code).toBe("authorization_pending");
  });

  it("refuses an unknown field with 400 invalid_request", async () => {
    const user = await signUp();
    const response = await api("/api/device/approve", { body: { userCode: "BBBB-BBBB", extra: 1 }, as: user.cookie });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_request");
  });
});
