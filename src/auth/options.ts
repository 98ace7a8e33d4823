import type { BetterAuthOptions } from "better-auth/minimal";
import { username } from "better-auth/plugins/username";
import { PASSWORD_MAX, USERNAME_PATTERN } from "../domain/account";

/**
 * The better-auth options that shape the database schema. Shared by the Worker and by
 * `npm run auth:schema`, so the generated schema always matches what runs.
 */
export const authSchemaOptions = {
  // better-auth counts UTF-16 units; our schema (domain/account.ts) counts characters, which are at most two units each.
  emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: PASSWORD_MAX * 2 },
  plugins: [
    username({
      minUsernameLength: 3,
      maxUsernameLength: 32,
      usernameValidator: (name) => USERNAME_PATTERN.test(name),
    }),
  ],
} satisfies BetterAuthOptions;
