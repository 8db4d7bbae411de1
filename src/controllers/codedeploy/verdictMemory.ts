/**
 * Verdicts by hook execution id, for the life of a container. When a report fails, the handler
 * throws and Lambda retries the invocation; re-running the suite then could turn an undelivered
 * Failed into Succeeded. So a retried execution reports the verdict it already reached.
 *
 * Only this container remembers: a retry that lands in another container runs the suite again
 * (see the README). Bounded, oldest first out, since a warm container can live for hours.
 */
const MAX_REMEMBERED = 256;

export class VerdictMemory<V> {
  private readonly byExecution = new Map<string, V>();

  public get(executionId: string): V | undefined {
    return this.byExecution.get(executionId);
  }

  public remember(executionId: string, verdict: V): void {
    this.byExecution.delete(executionId);
    this.byExecution.set(executionId, verdict);
    if (this.byExecution.size > MAX_REMEMBERED) {
      const oldest = this.byExecution.keys().next().value;
      if (oldest !== undefined) this.byExecution.delete(oldest);
    }
  }
}
