import { AUDIT_ACTIONS } from "../domain/audit";
import { ROLE_LABELS, type Role } from "../domain/roles";
import { Time } from "./components/time";

export interface EventView {
  id: string;
  at: string;
  action: string;
  actor: { userId: string; username: string };
  target?: { userId: string; username: string } | undefined;
  details: Record<string, unknown>;
}

function roleLabel(value: unknown): string {
  return typeof value === "string" && value in ROLE_LABELS ? ROLE_LABELS[value as Role] : "member";
}

function plural(count: unknown, word: string): string {
  const n = typeof count === "number" ? count : 1;
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** One line of plain English per event; the actor's name comes first in the row. */
function describe(event: EventView): string {
  const target = event.target ? `@${event.target.username}` : "someone";
  const d = event.details;
  switch (event.action) {
    case AUDIT_ACTIONS.orgCreated:
      return "created the organization";
    case AUDIT_ACTIONS.profileEdited:
      return Array.isArray(d.fields) ? `edited the profile (${d.fields.join(", ")})` : "edited the profile";
    case AUDIT_ACTIONS.codesCreated:
      return d.role === "admin" ? "created an admin invite" : `created ${plural(d.count, "join code")}`;
    case AUDIT_ACTIONS.codeRevoked:
      return `revoked ${d.role === "admin" ? "an admin invite" : "a join code"}${typeof d.hint === "string" ? ` ${d.hint}` : ""}`;
    case AUDIT_ACTIONS.codeRedeemed:
      return `joined with a code as ${roleLabel(d.role)}`;
    case AUDIT_ACTIONS.roleChanged:
      return `changed ${target}'s role to ${roleLabel(d.role ?? d.to)}`;
    case AUDIT_ACTIONS.memberRemoved:
      return `removed ${target}`;
    case AUDIT_ACTIONS.memberLeft:
      return "left the organization";
    case AUDIT_ACTIONS.ownershipTransferred:
      return `transferred ownership to ${target}`;
    case AUDIT_ACTIONS.volumesMoved:
      return `moved ${plural(d.count, "volume")} of ${target} to the Owner`;
    default:
      return event.action;
  }
}

export function ActivityPage({ events, olderHref }: { events: EventView[]; olderHref: string | null }) {
  return (
    <>
      <h1>Activity</h1>
      <section class="card" aria-labelledby="activity-heading">
        <h2 id="activity-heading">Membership events, newest first</h2>
        {events.length === 0 ? (
          <p class="muted">Nothing yet.</p>
        ) : (
          <ol class="events">
            {events.map((event) => (
              <li>
                <Time iso={event.at} />
                <span>
                  <strong>@{event.actor.username}</strong> {describe(event)}
                </span>
              </li>
            ))}
          </ol>
        )}
        {olderHref ? (
          <p>
            <a href={olderHref}>Older events</a>
          </p>
        ) : null}
      </section>
    </>
  );
}
