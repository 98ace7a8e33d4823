// Only for `npm run auth:schema`: the better-auth CLI reads this to write src/db/auth-schema.ts.
import { betterAuth } from "better-auth/minimal";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { authSchemaOptions } from "../src/auth/options";

export const auth = betterAuth({
  ...authSchemaOptions,
  database: drizzleAdapter({}, { provider: "sqlite" }),
});
