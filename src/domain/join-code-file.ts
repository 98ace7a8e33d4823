/**
 * One CSV field. A value a spreadsheet would run as a formula (it starts with `=`, `+`, `-`,
 * `@`, tab or carriage return) gets a leading `'`, so it shows as text (OWASP's CSV injection
 * advice); a value with a comma, quote or line break is quoted, quotes doubled.
 */
export function csvField(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The bulk download: one code per row under the header `code,role,expires_at,label`. */
export function codesCsv(codes: readonly { code: string; role: string; expiresAt: string; label: string }[]): string {
  const rows = codes.map((c) => [c.code, c.role, c.expiresAt, c.label].map(csvField).join(","));
  return `${["code,role,expires_at,label", ...rows].join("\r\n")}\r\n`;
}

/** `Acme Lab!` on 2026-05-11 → `acme-lab-join-codes-2026-05-11.csv`: safe in any file system and header. */
export function codesFilename(orgName: string, now: number): string {
  const slug =
    orgName
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40)
      .replace(/-+$/, "") || "org";
  return `${slug}-join-codes-${new Date(now).toISOString().slice(0, 10)}.csv`;
}
