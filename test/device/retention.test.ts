import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { purgeExpired } from "../../src/services/retention";
import { signUp } from "../support/factories";
import { approve, poll, startLogin } from "./helpers";

const DAY = 24 * 60 * 60 * 1000;

async function exists(clientName: string): Promise<boolean> {
  const row = await env.DB.prepare("SELECT 1 FROM device_authorization WHERE client_name = ?").bind(clientName).first();
  return row !== null;
}

describe("retention of device logins", () => {
  it("keeps a device login for a day after it expired, used or not, then deletes it; its token lives on", async () => {
    const user = await signUp();
    const used = await startLogin("retention used");
    await startLogin("retention pending");
    await approve(used.userCode, user.cookie);
    const { body } = await poll(used.deviceCode);
    const expiredAt = Date.now() + 600_000;

    await purgeExpired(env, expiredAt + DAY - 60_000);
    expect(await exists("retention used")).toBe(true);
    expect(await exists("retention pending")).toBe(true);

    const purged = await purgeExpired(env, expiredAt + DAY + 60_000);
    expect(purged.deviceLogin).toBeGreaterThanOrEqual(2);
    expect(await exists("retention used")).toBe(false);
    expect(await exists("retention pending")).toBe(false);
    expect(await env.DB.prepare("SELECT 1 FROM api_token WHERE id = ?").bind(body.tokenId).first()).not.toBeNull();
  });
});
