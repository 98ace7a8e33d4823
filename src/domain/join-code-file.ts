/** The bulk download: one code per row under the header `code,role,expires_at`. */
export function codesCsv(codes: readonly { code: string; role: string; expiresAt: string }[]): string {
  return ["code,role,expires_at", ...codes.map((c) => `${c.code},${c.role},${c.expiresAt}`)].join("\r\n") + "\r\n";
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
