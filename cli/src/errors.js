// @ts-check

/** Exit codes of the contract: 0 success, 1 failure, 2 wrong usage, 4 not signed in. */
export const EXIT = Object.freeze({ ok: 0, failure: 1, usage: 2, signedOut: 4 });

/** A failure to report on standard error and end the command with `exitCode`. */
export class CliError extends Error {
  /**
   * @param {string} message
   * @param {{ exitCode?: number, code?: string, status?: number }} [options]
   */
  constructor(message, options = {}) {
    super(message);
    this.name = "CliError";
    this.exitCode = options.exitCode ?? EXIT.failure;
    this.code = options.code;
    this.status = options.status;
  }
}

export function notSignedIn() {
  return new CliError("Not signed in. Run `cohort login` (or `cohort login --with-token`), or pass --token / COHORT_TOKEN.", {
    exitCode: EXIT.signedOut,
  });
}

/** @param {string} message */
export function usage(message) {
  return new CliError(message, { exitCode: EXIT.usage });
}
