/**
 * Opt-in AWS X-Ray tracing (stage param `tracing: "true"`) with Powertools Tracer: the SDK
 * clients, discovery and the report each get a subsegment.
 *
 * Off by default, and then the tracer is never loaded: it pulls in the X-Ray SDK, whose parse
 * and set-up every cold start would pay (`npm run bench` states the cost when on). Loaded with a
 * plain require, which esbuild bundles as a module that runs only when required.
 */
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { SERVICE_NAME } from '../logging/logger';

let tracer: Tracer | undefined;
let decided = false;

/** The tracer when the function runs with tracing on (POWERTOOLS_TRACE_ENABLED=true), once. */
const activeTracer = (): Tracer | undefined => {
  if (!decided) {
    decided = true;
    if (process.env.POWERTOOLS_TRACE_ENABLED === 'true') {
      // Loaded on demand so that a function with tracing off never parses or runs the X-Ray SDK.
      const { Tracer: TracerClass } =
        require('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer');
      tracer = new TracerClass({ serviceName: SERVICE_NAME, captureHTTPsRequests: false });
    }
  }
  return tracer;
};

/** An SDK client whose calls are traced when tracing is on; the client itself otherwise. */
export const traceClient = <T>(client: T): T =>
  activeTracer()?.captureAWSv3Client(client) ?? client;

/** `work` wrapped in a subsegment `name` when tracing is on; `work` itself otherwise. */
export const traceStep =
  <A extends unknown[], R>(name: string, work: (...args: A) => Promise<R>) =>
  async (...args: A): Promise<R> => {
    const t = activeTracer();
    const parent = t?.getSegment();
    if (!t || !parent) return work(...args);
    const sub = parent.addNewSubsegment(name);
    t.setSegment(sub);
    try {
      return await work(...args);
    } catch (error) {
      sub.addError(error as Error);
      throw error;
    } finally {
      sub.close();
      t.setSegment(parent);
    }
  };
