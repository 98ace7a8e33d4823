import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { clock } from "../../src/clock";
import { purgeExpired } from "../../src/services/retention";
import { api, raw } from "../support/client";
import { orgWith } from "../support/org-factories";
import { bytes, MIB, sha256Hex } from "../support/bytes";
import { createVolume, fileUrl, putFile, uploadsUrl } from "../support/volume-files";
import { restoreClockAfterEach } from "../support/clock";

restoreClockAfterEach();

function concat(...chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

describe("resumable uploads", () => {
  it("uploads 5 MiB parts and a tail, resumes from GET, and completes to the whole file", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie);
    const parts = [bytes(5 * MIB, 11), bytes(5 * MIB, 12), bytes(1234, 13)];
    const whole = concat(...parts);
    const made = await api(uploadsUrl(org.id, volume.id), {
      body: { path: "models/big.bin", size: whole.byteLength },
      as: org.owner.cookie,
    });
    expect(made.status).toBe(201);
    const upload = made.body.upload;
    expect(upload).toEqual({
      id: expect.any(String),
      path: "models/big.bin",
      size: whole.byteLength,
      partSize: 5 * MIB,
      partCount: 3,
      expiresAt: expect.stringMatching(/Z$/),
    });
    const base = `${uploadsUrl(org.id, volume.id)}/${upload.id}`;

    const put2 = await raw(`${base}/parts/2`, { method: "PUT", body: parts[1]!, as: org.owner.cookie });
    expect(put2.status).toBe(200);
    expect(put2.json.part).toEqual({ n: 2, size: 5 * MIB, sha256: await sha256Hex(parts[1]!) });

    // Completing before every part is there is a conflict.
    expect((await raw(`${base}/complete`, { method: "POST", as: org.owner.cookie })).status).toBe(409);

    // After a "crash", the client asks what is there and sends the rest.
    const resumed = await api(base, { as: org.owner.cookie });
    expect(resumed.status).toBe(200);
    expect(resumed.body.upload).toEqual(upload);
    expect(resumed.body.parts).toEqual([{ n: 2, size: 5 * MIB, sha256: await sha256Hex(parts[1]!) }]);
    // Sending a part again replaces it.
    expect((await raw(`${base}/parts/3`, { method: "PUT", body: bytes(1234, 99), as: org.owner.cookie })).status).toBe(200);
    expect((await raw(`${base}/parts/3`, { method: "PUT", body: parts[2]!, as: org.owner.cookie })).json.part.sha256).toBe(
      await sha256Hex(parts[2]!),
    );
    expect((await raw(`${base}/parts/1`, { method: "PUT", body: parts[0]!, as: org.owner.cookie })).status).toBe(200);
    expect((await api(base, { as: org.owner.cookie })).body.parts.map((p: { n: number }) => p.n)).toEqual([1, 2, 3]);

    const completed = await raw(`${base}/complete`, { method: "POST", as: org.owner.cookie });
    expect(completed.status).toBe(200);
    expect(completed.json.file).toEqual({
      path: "models/big.bin",
      size: whole.byteLength,
      sha256: await sha256Hex(whole),
      updatedAt: expect.any(String),
    });
    const got = await raw(fileUrl(org.id, volume.id, "models/big.bin"), { as: org.owner.cookie });
    expect(got.bytes.byteLength).toBe(whole.byteLength);
    expect(await sha256Hex(got.bytes)).toBe(await sha256Hex(whole));
    expect(got.headers.get("ETag")).toBe(`"${await sha256Hex(whole)}"`);
    // The upload is finished: gone from the API and from the quota.
    expect((await api(base, { as: org.owner.cookie })).status).toBe(404);
    const { results } = await env.DB.prepare("SELECT id FROM volume_upload WHERE volume_id = ?").bind(volume.id).all();
    expect(results).toEqual([]);
  });

  it("refuses a part of the wrong size or number with 400", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie);
    const upload = (await api(uploadsUrl(org.id, volume.id), { body: { path: "x", size: 5 * MIB + 10 }, as: org.owner.cookie })).body
      .upload;
    const base = `${uploadsUrl(org.id, volume.id)}/${upload.id}`;
    for (const [n, size] of [
      [1, 5 * MIB - 1],
      [1, 10],
      [2, 11],
      [2, 9],
      [2, 5 * MIB],
    ] as const) {
      const response = await raw(`${base}/parts/${n}`, { method: "PUT", body: bytes(size), as: org.owner.cookie });
      expect(response.status, `part ${n} of ${size}`).toBe(400);
      expect(response.json.error.code).toBe("invalid_request");
    }
    for (const n of ["0", "3", "x", "01"])
      expect((await raw(`${base}/parts/${n}`, { method: "PUT", body: bytes(10), as: org.owner.cookie })).status).toBe(400);
    expect((await raw(`${base}/parts/2`, { method: "PUT", body: bytes(10), as: org.owner.cookie })).status).toBe(200);
    expect((await api(base, { as: org.owner.cookie })).body.parts).toHaveLength(1);
  });

  it("refuses a bad upload body with 400 and an upload past the volume's size with 409", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie, 1);
    for (const body of [
      { path: "a", size: 0 },
      { path: "../a", size: 1 },
      { path: "a/./b", size: 1 },
      { path: "/a", size: 1 },
      { path: "a", size: 2 ** 40 + 1 },
      { path: "a" },
    ]) {
      expect((await api(uploadsUrl(org.id, volume.id), { body, as: org.owner.cookie })).status, JSON.stringify(body)).toBe(400);
    }
    const over = await api(uploadsUrl(org.id, volume.id), { body: { path: "a", size: 2 ** 30 + 1 }, as: org.owner.cookie });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe("quota_exceeded");
    await putFile(org, volume.id, "small", bytes(100), org.owner.cookie);
    expect((await api(uploadsUrl(org.id, volume.id), { body: { path: "a", size: 2 ** 30 - 100 }, as: org.owner.cookie })).status).toBe(201);
    expect((await api(uploadsUrl(org.id, volume.id), { body: { path: "b", size: 1 }, as: org.owner.cookie })).status).toBe(409);
  });

  it("drops an upload with DELETE: 204, its reservation freed, its parts gone", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie, 1);
    const upload = (await api(uploadsUrl(org.id, volume.id), { body: { path: "x", size: 2 ** 30 }, as: org.owner.cookie })).body.upload;
    const base = `${uploadsUrl(org.id, volume.id)}/${upload.id}`;
    expect((await putFile(org, volume.id, "no room", bytes(1), org.owner.cookie)).status).toBe(409);
    expect((await raw(base, { method: "DELETE", as: org.owner.cookie })).status).toBe(204);
    expect((await api(base, { as: org.owner.cookie })).status).toBe(404);
    expect((await raw(base, { method: "DELETE", as: org.owner.cookie })).status).toBe(404);
    expect((await putFile(org, volume.id, "room", bytes(1), org.owner.cookie)).status).toBe(201);
  });

  it("expires after 24 h: no more parts (404), and the sweep frees its reservation", async () => {
    const org = await orgWith();
    const volume = await createVolume(org, org.owner.cookie, 1);
    const start = Date.now();
    clock.now = () => start;
    const upload = (await api(uploadsUrl(org.id, volume.id), { body: { path: "late", size: 2 ** 30 }, as: org.owner.cookie })).body.upload;
    expect(Date.parse(upload.expiresAt)).toBe(start + 24 * 3600 * 1000);
    const base = `${uploadsUrl(org.id, volume.id)}/${upload.id}`;
    clock.now = () => start + 24 * 3600 * 1000 - 1;
    expect((await api(base, { as: org.owner.cookie })).status).toBe(200);
    clock.now = () => start + 24 * 3600 * 1000 + 1;
    expect((await raw(`${base}/parts/1`, { method: "PUT", body: bytes(10), as: org.owner.cookie })).status).toBe(404);
    expect((await api(base, { as: org.owner.cookie })).status).toBe(404);
    expect((await raw(`${base}/complete`, { method: "POST", as: org.owner.cookie })).status).toBe(404);
    // Expired, it no longer counts against the volume.
    expect((await putFile(org, volume.id, "now", bytes(10), org.owner.cookie)).status).toBe(201);
    const swept = await purgeExpired(env, clock.now());
    expect(swept.volumeUpload).toBeGreaterThanOrEqual(1);
    const { results } = await env.DB.prepare("SELECT id FROM volume_upload WHERE id = ?").bind(upload.id).all();
    expect(results).toEqual([]);
  });
});
