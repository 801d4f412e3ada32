// Error types of the CLI. A user error prints as one line `mxgen: <message>` and a non-zero exit code;
// anything else is a bug and is reported as an internal error.

/** The command line itself is wrong (unknown option, missing or malformed option value): exit code 2. */
export class UsageError extends Error {
  readonly userError = true;
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An input (file, stdin, matrix JSON, shapes that do not agree) is wrong: exit code 1. */
export class InputError extends Error {
  readonly userError = true;
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
