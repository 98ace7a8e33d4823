import { describe, expect, it } from "vitest";
import {
  checkPath,
  contentDigestSha256,
  createUploadSchema,
  decodeCursor,
  encodeCursor,
  expectedPartSize,
  fitsQuota,
  listFilesQuerySchema,
  MIB,
  partCountFor,
  partSizeFor,
  pathFromUrl,
  TIB,
} from "./volume-file";

describe("checkPath", () => {
  it.each([["a"], ["a/b/c.txt"], ["dir with space/é/日本/😀"], ["..."], [".hidden/x."], ["x".repeat(1024)], ["é".repeat(512)]])(
    "accepts %j",
    (path) => {
      expect(checkPath(path)).toEqual({ ok: true, path });
    },
  );

  it.each([
    ["", "empty"],
    ["/a", "leading slash"],
    ["a/", "trailing slash (an empty last segment)"],
    ["a//b", "empty segment"],
    [".", "dot"],
    ["a/./b", "dot segment"],
    ["..", "dot-dot"],
    ["a/../b", "dot-dot segment"],
    ["a\u0000b", "NUL"],
    ["a\nb", "newline"],
    ["a\u007fb", "DEL"],
    ["a\u0085b", "C1 control"],
    ["x".repeat(1025), "1,025 bytes"],
    ["é".repeat(513), "1,026 bytes in 513 characters"],
    ["a\uD800b", "a lone surrogate"],
  ])("refuses %j (%s)", (path) => {
    expect(checkPath(path).ok).toBe(false);
  });
});

describe("pathFromUrl", () => {
  it("decodes each segment after splitting on /", () => {
    expect(pathFromUrl("a%20b/%C3%A9/c")).toEqual({ ok: true, path: "a b/é/c" });
    expect(pathFromUrl("plain/%F0%9F%98%80")).toEqual({ ok: true, path: "plain/😀" });
  });

  it.each([["a%2Fb"], ["%2Fa"], ["a/%2E%2E/b"], ["a/%2e"], ["%ZZ"], ["%C3"], ["%FF"], ["a/%00"], [""], ["a/"]])("refuses %j", (raw) => {
    expect(pathFromUrl(raw).ok).toBe(false);
  });
});

describe("part sizes", () => {
  it("uses 5 MiB parts, growing in whole MiB so no upload needs more than 10,000 parts", () => {
    expect(partSizeFor(1)).toBe(5 * MIB);
    expect(partSizeFor(50_000 * MIB)).toBe(5 * MIB);
    expect(partSizeFor(50_000 * MIB + 1)).toBe(6 * MIB);
    expect(partSizeFor(TIB)).toBe(105 * MIB);
    for (const size of [1, 5 * MIB, 5 * MIB + 1, 123_456_789_012, TIB])
      expect(partCountFor(size, partSizeFor(size))).toBeLessThanOrEqual(10_000);
  });

  it("expects every part at partSize but the last, which is the remainder", () => {
    const upload = { size: 10 * MIB + 7, partSize: 5 * MIB, partCount: 3 };
    expect([1, 2, 3].map((n) => expectedPartSize(upload, n))).toEqual([5 * MIB, 5 * MIB, 7]);
    expect(expectedPartSize(upload, 0)).toBeNull();
    expect(expectedPartSize(upload, 4)).toBeNull();
    expect(expectedPartSize({ size: 10 * MIB, partSize: 5 * MIB, partCount: 2 }, 2)).toBe(5 * MIB);
  });
});

describe("quota", () => {
  it("counts files without the replaced one, plus reservations", () => {
    expect(fitsQuota({ capacity: 100, files: 60, replaced: 0, reserved: 30 }, 10)).toBe(true);
    expect(fitsQuota({ capacity: 100, files: 60, replaced: 0, reserved: 30 }, 11)).toBe(false);
    expect(fitsQuota({ capacity: 100, files: 60, replaced: 20, reserved: 30 }, 30)).toBe(true);
  });
});

describe("Content-Digest", () => {
  it("reads sha-256 as hex, ignores other algorithms, refuses malformed values", () => {
    const zeros = btoa(String.fromCharCode(...new Uint8Array(32)));
    expect(contentDigestSha256(`sha-256=:${zeros}:`)).toBe("0".repeat(64));
    expect(contentDigestSha256(`sha-512=:${zeros}:, sha-256=:${zeros}:`)).toBe("0".repeat(64));
    expect(contentDigestSha256(`sha-512=:${zeros}:`)).toBeNull();
    expect(contentDigestSha256("sha-256=abc")).toBeUndefined();
    expect(contentDigestSha256("sha-256=:AAAA:")).toBeUndefined();
  });
});

describe("cursors and listing queries", () => {
  it("round-trips any path through an opaque base64url cursor", () => {
    for (const path of ["a", "dir/é/😀", "\uFEFFbom", "x".repeat(1024)]) expect(decodeCursor(encodeCursor(path))).toBe(path);
    expect(encodeCursor("dir/é/😀")).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor("!!")).toBeNull();
    expect(decodeCursor(`${encodeCursor("a")}=`)).toBeNull();
  });

  it("reads limit 1–1,000 (default 1,000) and refuses a cursor it did not give", () => {
    expect(listFilesQuerySchema.parse({})).toEqual({ prefix: "", limit: 1000 });
    expect(listFilesQuerySchema.parse({ limit: "1", prefix: "a/", cursor: encodeCursor("a/b") })).toEqual({
      prefix: "a/",
      limit: 1,
      cursor: "a/b",
    });
    for (const limit of ["0", "1001", "x", "-1"]) expect(listFilesQuerySchema.safeParse({ limit }).success).toBe(false);
    expect(listFilesQuerySchema.safeParse({ cursor: "%%%" }).success).toBe(false);
  });

  it("takes an upload's size from 1 byte to 1 TiB and a path with the body's rules", () => {
    expect(createUploadSchema.safeParse({ path: "a/b", size: 1 }).success).toBe(true);
    expect(createUploadSchema.safeParse({ path: "a/b", size: TIB }).success).toBe(true);
    for (const body of [
      { path: "a", size: 0 },
      { path: "a", size: TIB + 1 },
      { path: "a", size: 1.5 },
      { path: "a/../b", size: 1 },
      { path: "a", size: 1, x: 1 },
    ]) {
      expect(createUploadSchema.safeParse(body).success).toBe(false);
    }
  });
});
