/** Why the local stack could not be installed or started, with what to do about it. */
export class StackError extends Error {
  override readonly name: string = 'StackError';
}

export class PrerequisiteMissing extends StackError {
  override readonly name = 'PrerequisiteMissing';
  constructor(tool: string, why: string, fix: string) {
    super(`${tool} is required ${why}, but ${fix}`);
  }
}

export class PortInUse extends StackError {
  override readonly name = 'PortInUse';
  constructor(
    readonly port: number,
    what: string,
    variable: string,
  ) {
    super(
      `Port ${port} for ${what} is already taken by another process. Stop that process ` +
        `(or run \`npm run stack:status\` if it is carepath's own stack), or choose another port with ${variable}.`,
    );
  }
}

export class ServerDidNotStart extends StackError {
  override readonly name = 'ServerDidNotStart';
  constructor(server: string, reason: string, logFile: string, logTail: string) {
    super(`${server} did not start: ${reason}. Its log is ${logFile}; last lines:\n${logTail}`);
  }
}

export class InstallFailed extends StackError {
  override readonly name = 'InstallFailed';
  constructor(what: string, command: string, output: string) {
    super(`Installing ${what} failed while running \`${command}\`. Output:\n${output}`);
  }
}
