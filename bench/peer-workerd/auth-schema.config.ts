// Only for generating src/schema.ts with the better-auth CLI:
//   npx auth generate --config bench/peer-workerd/auth-schema.config.ts --output bench/peer-workerd/src/schema.ts -y
import { betterAuth } from "better-auth/minimal";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { peerSchemaOptions } from "./src/options";

export const auth = betterAuth({
  ...peerSchemaOptions,
  database: drizzleAdapter({}, { provider: "sqlite" }),
});
