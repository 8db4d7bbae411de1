/**
 * Faults the local endpoints inject on request: the next N calls of an operation fail with a
 * given error (JSON protocols: `{"__type", "message"}` at HTTP 400 unless a 5xx is simulated).
 * One queue for every stand-in, so they fail the same way.
 */

export interface InjectedFault {
  readonly errorType: string;
  readonly message?: string;
  /** HTTP status; 400 unless a 5xx is being simulated. */
  readonly httpStatus?: number;
}

/** The JSON-protocol error answer for a fault. */
export const faultAnswer = (fault: InjectedFault): { httpStatus: number; body: unknown } => ({
  httpStatus: fault.httpStatus ?? 400,
  body: { __type: fault.errorType, message: fault.message ?? 'injected' },
});

export class FaultQueue {
  private readonly byOperation = new Map<string, InjectedFault[]>();

  /** The next `times` calls of `operation` fail with `fault`. */
  public add(operation: string, fault: InjectedFault, times = 1): void {
    const queue = this.byOperation.get(operation) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.byOperation.set(operation, queue);
  }

  /** The fault for this call of `operation`, if one is queued. */
  public take(operation: string): InjectedFault | undefined {
    return this.byOperation.get(operation)?.shift();
  }

  /** Drops the faults not yet used (of one operation, or all). */
  public clear(operation?: string): void {
    if (operation) this.byOperation.delete(operation);
    else this.byOperation.clear();
  }
}
