/**
 * One AWS read of discovery, under the invocation's signal, with an error that says what to do:
 * a denied call names the IAM action and the resource to grant it on.
 */
import { AccessDeniedError, DiscoveryError } from '../errors';

const DENIED = /AccessDenied|UnauthorizedOperation|not authorized/i;

export const awsRead = async <T>(
  action: string,
  resource: string,
  signal: AbortSignal,
  read: (options: { abortSignal: AbortSignal }) => Promise<T>,
): Promise<T> => {
  try {
    return await read({ abortSignal: signal });
  } catch (error) {
    const e = error as Error;
    if (signal.aborted) {
      throw new DiscoveryError(`${action} got no answer before the time budget ran out`, {
        cause: error,
      });
    }
    if (DENIED.test(e.name) || DENIED.test(e.message)) {
      throw new AccessDeniedError(
        `${action} was denied (${e.name}): the hook role needs ${action} on ${resource}; redeploy with sls deploy, which grants it`,
        { cause: error },
      );
    }
    throw new DiscoveryError(`${action} failed: ${e.name}: ${e.message}`, { cause: error });
  }
};
