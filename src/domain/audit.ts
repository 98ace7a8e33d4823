/** The audit log's actions: every membership event, in the same write as the change. */
export const AUDIT_ACTIONS = {
  orgCreated: "org.created",
  profileEdited: "profile.edited",
  codesCreated: "codes.created",
  codeRevoked: "code.revoked",
  codeRedeemed: "code.redeemed",
  roleChanged: "role.changed",
  memberRemoved: "member.removed",
  memberLeft: "member.left",
  ownershipTransferred: "ownership.transferred",
  volumesMoved: "volumes.moved",
} as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[keyof typeof AUDIT_ACTIONS];
