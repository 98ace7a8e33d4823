import type { BetterAuthOptions } from "better-auth/minimal";
import { organization } from "better-auth/plugins/organization";

/**
 * The options that shape the peer's schema, shared by the Worker and by the schema generator
 * (auth-schema.config.ts). The limits are raised as the Node peer's are, so that they do not
 * interfere with a 1,000-member org or thousands of pending invitations.
 */
export const peerSchemaOptions = {
  emailAndPassword: { enabled: true },
  plugins: [organization({ membershipLimit: 1_000_000, invitationLimit: 1_000_000, cancelPendingInvitationsOnReInvite: false })],
} satisfies BetterAuthOptions;
