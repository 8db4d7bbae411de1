/** A command line that cannot be run as given: exit code 2, one line, no stack trace. */
import { BlueGreenHooksError } from '../errors';

export class UsageError extends BlueGreenHooksError {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
