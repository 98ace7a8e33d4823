import { insertAudit, type Statement } from "../db/batch";
import type { Db } from "../db/client";
import type { MemberRecord } from "../db/org-queries";
import { departingJobsStatements, machineGoneStatements } from "../db/job-queries";
import { deregisterMachines } from "../db/machine-queries";
import { bumpVersion, deleteMembership, guardOneOwner, guardRole, guardVersion } from "../db/org-writes";
import { moveProjects } from "../db/project-queries";
import { auditVolumesMoved, moveVolumes } from "../db/volume-queries";
import { AUDIT_ACTIONS } from "../domain/audit";
import { newSortableId } from "../domain/ids";

/** Who is leaving, who decided it, and who inherits: what each resource's departure line needs. */
export interface Departure {
  db: Db;
  orgId: string;
  at: Date;
  actor: MemberRecord;
  departing: MemberRecord;
  owner: MemberRecord;
}

/** A line's event id, drawn after the departure's own event so the events sort in the order they happened. */
type DepartureLine = (departure: Departure, eventId: string) => Statement[];

const ref = (member: MemberRecord) => ({ userId: member.userId, username: member.username });

/**
 * What happens to a departing member's things, one line per resource, each a fixed number of
 * statements however many things there are. A new resource adds its line here (files, jobs …).
 */
const DEPARTURE_LINES: DepartureLine[] = [
  // Volumes go to the Owner, with one event that counts them.
  ({ db, orgId, at, actor, departing, owner }, eventId) => [
    auditVolumesMoved(
      db,
      { id: eventId, orgId, at, action: AUDIT_ACTIONS.volumesMoved, actor: ref(actor), target: ref(departing) },
      departing.userId,
      ref(owner),
    ),
    moveVolumes(db, orgId, departing.userId, owner.userId),
  ],
  // Machines are deregistered.
  ({ db, orgId, departing }) => [deregisterMachines(db, orgId, departing.userId)],
  // Projects (and so their archives) go to the Owner.
  ({ db, orgId, departing, owner }) => [moveProjects(db, orgId, departing.userId, owner.userId)],
  // Jobs, after the machines: their running jobs get a cancel request, jobs running on the
  // machines just deregistered go back to the queue (or end cancelled if so requested), their queued jobs are cancelled.
  ({ db, orgId, at, departing }) => [...departingJobsStatements(db, orgId, departing.userId, at), ...machineGoneStatements(db, orgId, at)],
];

/**
 * Ends a membership in one batch: the event, every resource's departure line, the membership
 * deleted, the version bumped — guarded on everything the decision read.
 */
export function departureStatements(
  departure: Departure,
  version: number,
  action: typeof AUDIT_ACTIONS.memberRemoved | typeof AUDIT_ACTIONS.memberLeft,
): Statement[] {
  const { db, orgId, at, actor, departing, owner } = departure;
  const [eventId, ...lineEventIds] = Array.from({ length: DEPARTURE_LINES.length + 1 }, () => newSortableId(at.getTime())).sort();
  const event = insertAudit(db, {
    id: eventId!,
    orgId,
    at,
    action,
    actor: ref(actor),
    target: ref(departing),
    details: { role: departing.role },
  });
  return [
    guardVersion(db, orgId, version),
    guardRole(db, orgId, actor.userId, actor.role),
    ...(departing.userId !== actor.userId ? [guardRole(db, orgId, departing.userId, departing.role)] : []),
    guardRole(db, orgId, owner.userId, "owner"),
    event,
    ...DEPARTURE_LINES.flatMap((line, i) => line(departure, lineEventIds[i]!)),
    deleteMembership(db, orgId, departing.userId, departing.role),
    bumpVersion(db, orgId),
    guardOneOwner(db, orgId),
  ];
}
