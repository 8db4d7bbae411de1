/**
 * Error hierarchy of the product. Every error says what the operator should do, and keeps the
 * underlying error as `cause` so logs show the whole chain.
 */

/** Base class: anything this product throws on purpose. */
export class BlueGreenHooksError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BlueGreenHooksError';
  }
}

/** A configuration file, a stage parameter or an environment variable is wrong. */
export class ConfigError extends BlueGreenHooksError {
  /** Each problem on its own line, so all of them can be fixed in one go. */
  public readonly problems: readonly string[];

  public constructor(what: string, problems: readonly string[], options?: ErrorOptions) {
    super(`${what}:\n  - ${problems.join('\n  - ')}`, options);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** The Lambda event is not the shape CodeDeploy or CloudWatch sends. */
export class InvalidEventError extends BlueGreenHooksError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidEventError';
  }
}

/** The status could not be reported to CodeDeploy, even after the SDK's retries. */
export class HookReportError extends BlueGreenHooksError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HookReportError';
  }
}

/** A secret referenced by a check header could not be read. */
export class SecretResolutionError extends BlueGreenHooksError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SecretResolutionError';
  }
}

/** Stopping a deployment failed in a way a retry of the delivery may fix. */
export class StopDeploymentError extends BlueGreenHooksError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StopDeploymentError';
  }
}

/** Discovery could not read the deployment, or what it read does not add up. */
export class DiscoveryError extends BlueGreenHooksError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DiscoveryError';
  }
}

/** AWS refused a read for want of a grant: asking again will not help; redeploying will. */
export class AccessDeniedError extends DiscoveryError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AccessDeniedError';
  }
}

/** The error's message, whatever was thrown. */
export const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * The invocation's time budget ran out and the work did not stop when asked: the hard stop
 * answered instead, naming the phase that was running.
 */
export class TimeBudgetError extends BlueGreenHooksError {
  public constructor(
    public readonly budgetMs: number,
    public readonly phase: string,
  ) {
    super(
      `time budget of ${budgetMs >= 10_000 ? `${Math.round(budgetMs / 1000)} s` : `${budgetMs} ms`} ran out during ${phase}; raise the function timeout, or find what ${phase} waited on in the log`,
    );
    this.name = 'TimeBudgetError';
  }
}
