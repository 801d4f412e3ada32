// Errors of the simulation drivers. Both are user errors (the CLI prints the message without a stack trace):
// the RTL disagreeing with the golden model, and a design or operand the driver cannot run.

/** The RTL disagrees with the golden model: exit code 1, the message is the diff summary. */
export class RtlMismatchError extends Error {
  readonly userError = true;
  readonly exitCode = 1;
  /** the diff summary is several lines (every other user error is printed on one line) */
  readonly multiline = true;
  constructor(message: string) {
    super(message);
    this.name = 'RtlMismatchError';
  }
}

/** A design folder, operand or option combination the driver cannot run: exit code 1, one line. */
export class DriverError extends Error {
  readonly userError = true;
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'DriverError';
  }
}
