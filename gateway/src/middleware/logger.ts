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
    },
    customLogLevel: (_req, res, error) =>
      error !== undefined || res.statusCode >= 500
        ? 'error'
        : res.statusCode >= 400
          ? 'warn'
          : 'info',
  });
}
