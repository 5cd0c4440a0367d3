import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type DestinationStream, type Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';

/** Paths never written to a log: credentials, and personal details should any slip in. */
const redact = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.authorization',
  '*.access_token',
  '*.token',
  '*.name',
  '*.birthdate',
  '*.phone_number',
  '*.phone',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    redact: { paths: redact, censor: '[redacted]' },
    base: { service: 'veche-gateway' },
  };
  return destination === undefined
    ? pino(options)
    : pino(options, destination as DestinationStream);
}

/**
 * The error serializer pino applies first adds `stack` (and a `type` naming the class, `Object`
 * for the plain records the error handler logs) to every error-like value, nested ones too.
 */
function withoutStacks(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutStacks);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, field]) => key !== 'stack' && !(key === 'type' && field === 'Object'))
      .map(([key, field]) => [key, withoutStacks(field)]),
  );
}

const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Access logs with a request ID (the caller's X-Request-Id when it is sane, else a new one).
 * Only method, path and status are logged: no headers, no bodies, no query values.
 */
export function createHttpLogger(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse): string => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      // No stack: pino-http makes up an Error for a 5xx answered without one, and the
      // gateway's own errors are expected outcomes whose stack says nothing.
      err: withoutStacks,
    },
    // The error handler puts the request's error, already reduced for the log, in res.err.
    customErrorMessage: () => 'request failed',
    customLogLevel: (_req, res, error) =>
      error !== undefined || res.statusCode >= 500
        ? 'error'
        : res.statusCode >= 400
          ? 'warn'
          : 'info',
  });
}
