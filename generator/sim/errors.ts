// Error types of the sim/lint/synth harness. Messages are single readable lines (multi-line only for
// mismatch reports); callers such as the CLI print `message` without a stack trace when `userError` is set.

export class HarnessError extends Error {
  readonly userError = true;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A required EDA tool is not on PATH; the message says how to install it. */
export class ToolMissingError extends HarnessError {
  constructor(
    readonly tool: string,
    readonly installCommand: string,
  ) {
    super(`${tool} not found on PATH; install it with: ${installCommand}`);
  }
}

/** Building or running a simulation failed (compile error, timeout, protocol violation, X outputs...). */
export class SimulationError extends HarnessError {
  constructor(
    message: string,
    readonly logFile?: string,
  ) {
    super(logFile ? `${message} (log: ${logFile})` : message);
  }
}

export interface LintMessage {
  readonly severity: 'warning' | 'error';
  readonly code: string;
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

export class LintError extends HarnessError {
  constructor(
    readonly top: string,
    readonly messages: readonly LintMessage[],
    readonly log: string,
  ) {
    const shown = messages.slice(0, 10).map((m) => `  ${m.severity} ${m.code} ${m.file}:${m.line}: ${m.text}`);
    const more = messages.length > 10 ? [`  ... ${messages.length - 10} more`] : [];
    const head = `verilator lint of ${top}: ${messages.length} message(s)`;
    super(messages.length ? [head, ...shown, ...more].join('\n') : `${head}; verilator failed:\n${log.trim()}`);
  }
}

export class SynthError extends HarnessError {
  constructor(
    message: string,
    readonly logFile?: string,
  ) {
    super(logFile ? `${message} (log: ${logFile})` : message);
  }
}

/** Simulated outputs differ from the expected ones; the message is the formatted mismatch report. */
export class MismatchError extends HarnessError {}
