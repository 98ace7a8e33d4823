import { describe, expect, it } from "vitest";
import { changedFields, createOrgSchema, eventsQuerySchema, profilePatchSchema } from "./org-profile";

const profile = { name: "Lab", website: "", location: "", sector: "", universityName: "", description: "" };

describe("createOrgSchema", () => {
  it("trims every field and requires a name", () => {
    expect(createOrgSchema.parse({ name: " Lab ", website: " https://lab.example.org ", description: " hi " })).toEqual({
      name: "Lab",
      website: "https://lab.example.org",
      description: "hi",
    });
    expect(createOrgSchema.safeParse({ website: "" }).success).toBe(false);
  });

  it.each(["https://a.example", "http://a.example/path?q=1", ""])("accepts the website %j", (website) => {
    expect(createOrgSchema.safeParse({ name: "Lab", website }).success).toBe(true);
  });

  it.each([
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "data:text/html,x",
    "ftp://a.example",
    "//a.example",
    "a.example",
    "https://",
    "mailto:a@b.c",
  ])("refuses the website %j", (website) => {
    expect(createOrgSchema.safeParse({ name: "Lab", website }).success).toBe(false);
  });
});

describe("profilePatchSchema", () => {
  it("accepts any subset, the empty one too, and refuses unknown fields", () => {
    expect(profilePatchSchema.parse({})).toEqual({});
    expect(profilePatchSchema.parse({ sector: " Bio " })).toEqual({ sector: "Bio" });
    expect(profilePatchSchema.safeParse({ id: "x" }).success).toBe(false);
    expect(profilePatchSchema.safeParse({ name: "" }).success).toBe(false);
  });
});

describe("changedFields", () => {
  it("keeps only the fields whose value changes", () => {
    expect(changedFields(profile, { name: "Lab", sector: "Bio", website: "" })).toEqual({ sector: "Bio" });
    expect(changedFields(profile, {})).toEqual({});
  });
});

describe("resource and query schemas", () => {
  it("reads the events page: limit 1–100, default 50, empty values as absent", () => {
    expect(eventsQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(eventsQuerySchema.parse({ cursor: "", limit: "" })).toEqual({ limit: 50 });
    expect(eventsQuerySchema.parse({ cursor: "abc", limit: "100" })).toEqual({ cursor: "abc", limit: 100 });
    for (const limit of ["0", "101", "x", "1.5"]) expect(eventsQuerySchema.safeParse({ limit }).success).toBe(false);
  });
});
