// @ts-check

/** @param {unknown} value */
export function printJson(value) {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** @param {string} line */
export function say(line) {
  process.stdout.write(`${line}\n`);
}

/** For what is not the command's answer (prompts, progress, warnings): keeps stdout clean. */
export function note(/** @type {string} */ line) {
  process.stderr.write(`${line}\n`);
}

/** @param {unknown} value */
function cell(value) {
  if (value === null || value === undefined) return "";
  // A tab or newline inside a value would break the row apart.
  return String(value).replace(/[\t\r\n]+/g, " ");
}

/**
 * A list: aligned columns under a header on a terminal, tab-separated rows (no header) when
 * piped, so `cut -f` and `while read` work on it.
 * @param {string[]} header
 * @param {unknown[][]} rows
 * @param {{ title?: string, empty?: string }} [options]
 */
export function printTable(header, rows, options = {}) {
  const cells = rows.map((row) => row.map(cell));
  if (!process.stdout.isTTY) {
    for (const row of cells) say(row.join("\t"));
    return;
  }
  if (options.title) say(options.title);
  if (cells.length === 0) {
    say(options.empty ?? "(none)");
    return;
  }
  const widths = header.map((name, i) => Math.max(name.length, ...cells.map((row) => (row[i] ?? "").length)));
  const line = (/** @type {string[]} */ row) =>
    row.map((value, i) => (i === row.length - 1 ? value : value.padEnd(widths[i] ?? 0))).join("  ");
  say(line(header));
  for (const row of cells) say(line(row));
}

/** @param {string | null | undefined} iso */
export function when(iso) {
  return iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "";
}
