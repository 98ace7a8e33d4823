import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";

const base = { APP_ORIGIN: "" } as unknown as Env;

describe("loadConfig", () => {
  it("uses local defaults in development, so npm start needs no secret", () => {
    const config = loadConfig({ ...base, ENVIRONMENT: "development" } as Env);
    expect(config.authSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.isDevelopment).toBe(true);
  });

  it("refuses to run in production without secrets", () => {
    expect(() => loadConfig({ ...base, ENVIRONMENT: "production" } as Env)).toThrow(/not configured/);
  });

  it("refuses to run in production on the development defaults", () => {
    const dev = loadConfig({ ...base, ENVIRONMENT: "development" } as Env);
    expect(() =>
      loadConfig({ ...base, ENVIRONMENT: "production", AUTH_SECRET: dev.authSecret, CODE_HASH_SECRET: dev.codeHashSecret } as Env),
    ).toThrow(/not configured/);
  });

  it("refuses short secrets in production", () => {
    expect(() => loadConfig({ ...base, ENVIRONMENT: "production", AUTH_SECRET: "short", CODE_HASH_SECRET: "short" } as Env)).toThrow();
  });
});
