const TIME = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** `2026-11-28T16:34:00.000Z` → `28 Nov 2026, 16:34 UTC`: one unambiguous zone for everyone. */
export function formatTime(iso: string): string {
  return `${TIME.format(new Date(iso))} UTC`;
}
