// @ts-check

/** @typedef {{ add: (bytes: number) => void, done: () => void, fail: () => void }} Progress */

/** A progress that shows nothing: for pipes, CI logs and the agent. @type {Progress} */
export const NO_PROGRESS = Object.freeze({ add() {}, done() {}, fail() {} });

const REDRAW_MS = 100;

/** @param {number} bytes */
export function formatBytes(bytes) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Whether to draw progress: only for a person watching a terminal. A pipe or a CI log would
 * fill with carriage returns, so there (and with CI set) nothing is drawn.
 * @param {NodeJS.ProcessEnv} env
 * @param {{ isTTY?: boolean }} stderr
 */
export function wantsProgress(env, stderr = process.stderr) {
  return Boolean(stderr.isTTY) && !env.CI;
}

/**
 * One line on stderr, redrawn in place with a carriage return (no colour, no escape codes, so
 * NO_COLOR and dumb terminals have nothing to undo): `label: 12.0 MiB / 300.0 MiB (4%)`.
 * Standard output is never touched.
 * @param {string} label
 * @param {number} total
 * @param {{ enabled: boolean, already?: number }} options `already`: bytes a resumed upload had sent before
 * @returns {Progress}
 */
export function createProgress(label, total, options) {
  if (!options.enabled) return NO_PROGRESS;
  let sent = options.already ?? 0;
  let drawnAt = 0;
  let width = 0;
  let finished = false;
  const draw = () => {
    const percent = total === 0 ? 100 : Math.floor((sent / total) * 100);
    const text = `${label}: ${formatBytes(sent)} / ${formatBytes(total)} (${percent}%)`;
    process.stderr.write(`\r${text.padEnd(width)}`);
    width = text.length;
    drawnAt = Date.now();
  };
  draw();
  return {
    add(bytes) {
      sent = Math.min(total, sent + bytes);
      if (Date.now() - drawnAt >= REDRAW_MS) draw();
    },
    done() {
      if (finished) return;
      finished = true;
      sent = total;
      draw();
      process.stderr.write("\n");
    },
    fail() {
      if (finished) return;
      finished = true;
      // Leave the last figure where it stopped, and the error on a line of its own.
      process.stderr.write("\n");
    },
  };
}
