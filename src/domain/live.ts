import type { Role } from "./roles";

/** What a page can show, so it knows when to refetch (docs/live-updates.md). */
export const LIVE_TOPICS = ["org", "members", "codes", "machines", "projects", "jobs"] as const;
export type LiveTopic = (typeof LIVE_TOPICS)[number];

/** A removed or departed member: the page goes to /setup and does not reconnect. */
export const CLOSE_REMOVED = 4001;
/** The member's role changed downwards: the page reloads and reconnects with the new role. */
export const CLOSE_ROLE_CHANGED = 4003;

/** The one message the server sends: which topics changed, never what changed or who. */
export interface ChangedMessage {
  type: "changed";
  topics: LiveTopic[];
  at: string;
}

export function changedMessage(topics: readonly LiveTopic[], at: Date): string {
  const message: ChangedMessage = { type: "changed", topics: [...new Set(topics)], at: at.toISOString() };
  return JSON.stringify(message);
}

/** A member's sockets to close after a command commits, and why. */
export interface SocketClosure {
  userId: string;
  code: typeof CLOSE_REMOVED | typeof CLOSE_ROLE_CHANGED;
}

/**
 * What every org command declares for the open pages: the topics its commit changes, and
 * (from its committed value) whose sockets must close. Required on every command, so a new
 * command cannot forget to tell the pages.
 */
export interface LiveEffect<T> {
  topics: readonly LiveTopic[];
  closes?: (value: T) => SocketClosure[];
}

/** Open pages a member may have on one org at once; more is a runaway script, refused with 429. */
export const MAX_SOCKETS_PER_MEMBER = 32;

export const userTag = (userId: string) => `user:${userId}`;
export const roleTag = (role: Role) => `role:${role}`;

/**
 * Set by the Worker on the upgrade it forwards to the org's object, after authenticating the
 * caller; any copy the client sent is dropped first.
 */
export const LIVE_USER_HEADER = "X-Cohort-Live-User";
export const LIVE_ORG_HEADER = "X-Cohort-Live-Org";

/**
 * Sent by the page script on its refetch: that render leaves the flash message for the page a
 * form post is being redirected to (the script keeps the one it already shows).
 */
export const LIVE_REFETCH_HEADER = "X-Cohort-Live-Refetch";

/** What each page shows; a page without an entry refetches on every change. */
export const PAGE_TOPICS = {
  dashboard: ["org", "members"],
  members: ["members", "codes", "org"],
  machines: ["machines", "members"],
  volumes: ["machines", "members"],
  settings: ["org"],
  activity: LIVE_TOPICS,
} as const satisfies Record<string, readonly LiveTopic[]>;

export function pageTopics(page: string | undefined): readonly LiveTopic[] {
  return (page !== undefined && (PAGE_TOPICS as Record<string, readonly LiveTopic[]>)[page]) || LIVE_TOPICS;
}
