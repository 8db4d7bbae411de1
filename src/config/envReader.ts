/**
 * Reads typed values from environment variables and collects every problem, so that one error
 * lists all of them instead of the first only. Used by config/env.ts, at cold start and (with
 * deferred CloudFormation values) at package time.
 */
import { ConfigError } from '../errors';
import { parseBaseUrl } from '../probe/baseUrl';

export type Env = Readonly<Record<string, string | undefined>>;

export interface EnvReadOptions {
  /**
   * Variables whose value only CloudFormation knows (given as `Ref`, `Fn::Join`…): at package
   * time they are not checked, at cold start they are real strings and are.
   */
  readonly deferred?: ReadonlySet<string>;
}

/** Collects problems while typed values are read, then throws them all at once. */
export class EnvReader {
  private readonly problems: string[] = [];
  private readonly deferred: ReadonlySet<string>;

  public constructor(
    private readonly env: Env,
    options: EnvReadOptions = {},
  ) {
    this.deferred = options.deferred ?? new Set();
  }

  /** Known only at deploy time: nothing to check now. */
  public isDeferred(name: string): boolean {
    return this.deferred.has(name);
  }

  public requiredString(name: string): string {
    if (this.isDeferred(name)) return '';
    const value = this.env[name]?.trim();
    if (!value) {
      this.problems.push(`${name} is not set`);
      return '';
    }
    return value;
  }

  /** An optional base URL: checked when set. */
  public optionalHttpUrl(name: string): string | undefined {
    if (this.isDeferred(name) || this.optionalString(name) === undefined) return undefined;
    return this.httpUrl(name) || undefined;
  }

  public optionalString(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  public httpUrl(name: string): string {
    const value = this.requiredString(name);
    if (!value) return '';
    const parsed = parseBaseUrl(value, name);
    if (!parsed.ok) {
      this.problems.push(parsed.problem);
      return '';
    }
    return parsed.url;
  }

  public positiveInt(name: string, fallback: number, min = 1): number {
    const raw = this.isDeferred(name) ? undefined : this.optionalString(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value <= 0) {
      this.problems.push(`${name} must be a positive integer, got "${raw}"`);
      return fallback;
    }
    if (value < min) {
      this.problems.push(`${name} must be at least ${min}, got ${value}`);
      return fallback;
    }
    return value;
  }

  public boolean(name: string, fallback: boolean): boolean {
    const raw = this.isDeferred(name) ? undefined : this.optionalString(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false, got "${raw}"`);
    return fallback;
  }

  public problem(text: string): void {
    this.problems.push(text);
  }

  public done<T>(what: string, value: T): T {
    if (this.problems.length > 0) throw new ConfigError(what, this.problems);
    return value;
  }
}
