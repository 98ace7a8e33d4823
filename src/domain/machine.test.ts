import { describe, expect, it } from "vitest";
import { machinePatchSchema, machineSchema, mayRunOn } from "./machine";

describe("machine schemas and rules", () => {
  it("defaults a machine's hostname, gpus and sharing and bounds them", () => {
    expect(machineSchema.parse({ name: " rig " })).toEqual({ name: "rig", hostname: "", gpus: 0, shared: false });
    expect(machineSchema.safeParse({ name: "rig", gpus: -1 }).success).toBe(false);
    expect(machineSchema.safeParse({ name: "rig", gpus: 1.5 }).success).toBe(false);
    expect(machineSchema.safeParse({ name: "rig", shared: "yes" }).success).toBe(false);
  });

  it("patches only the name and the sharing", () => {
    expect(machinePatchSchema.parse({ shared: true })).toEqual({ shared: true });
    expect(machinePatchSchema.safeParse({ gpus: 2 }).success).toBe(false);
    expect(machinePatchSchema.safeParse({ name: "" }).success).toBe(false);
  });

  it("runs a job on the submitter's own machine or a shared one", () => {
    expect(mayRunOn("a", { ownerId: "a", shared: false })).toBe(true);
    expect(mayRunOn("a", { ownerId: "b", shared: true })).toBe(true);
    expect(mayRunOn("a", { ownerId: "b", shared: false })).toBe(false);
  });
});
