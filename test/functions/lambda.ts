import type { Context } from 'aws-lambda';
import { vi, type MockInstance } from 'vitest';

/** The minimal Lambda context a handler (middy + Powertools) needs. */
export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `dr-autopilot-test-${functionName}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:ap-northeast-3:123456789012:function:dr-autopilot-test-${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: `req-${functionName}`,
    logGroupName: `/aws/lambda/dr-autopilot-test-${functionName}`,
    logStreamName: '2026/11/29/[$LATEST]test',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An error thrown by an AWS SDK v3 client, as the SDK shapes it. */
export function awsError(name: string, message: string, httpStatusCode: number): Error {
  return Object.assign(new Error(message), { name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } });
}

/**
 * Imports a handler module afresh with `env` set (Powertools reads its settings when the logger is
 * built) and captures what it writes to stdout and stderr, where the Lambda runtime picks up the logs.
 */
export async function withLogs<M>(env: Record<string, string>, load: () => Promise<M>): Promise<{ module: M; lines: () => string[]; restore: () => void }> {
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  vi.resetModules();
  const module = await load();
  const written: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  // INFO goes to stdout, WARN and ERROR to stderr: Lambda sends both to the function's log group.
  const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture), vi.spyOn(process.stderr, 'write').mockImplementation(capture)];
  return {
    module,
    lines: () => written.join('').split('\n').filter((l) => l.trim() !== ''),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
      vi.unstubAllEnvs();
      vi.resetModules();
    },
  };
}

/**
 * Runs `body` with a fresh import of a function (`functionModule`, e.g. '../../functions/acquire-lock.ts')
 * whose lazily loaded `lazyModule` throws when loaded, and the logger's errors captured; undoes both
 * after. Both paths are relative to this folder, as the tests beside it name them.
 */
export async function withLazyModuleFailing<M>(functionModule: string, lazyModule: string, body: (fresh: M, loggedErrors: MockInstance) => Promise<void>): Promise<void> {
  vi.resetModules();
  vi.doMock(lazyModule, () => {
    throw Object.assign(new Error('Cannot find module'), { name: 'ModuleLoadError' });
  });
  const fresh = (await import(functionModule)) as M;
  const { logger } = await import('../../shared/runtime/lambda.ts');
  const loggedErrors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  try {
    await body(fresh, loggedErrors);
  } finally {
    vi.doUnmock(lazyModule);
    loggedErrors.mockRestore();
  }
}
