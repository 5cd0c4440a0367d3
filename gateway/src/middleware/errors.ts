import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { LedgerError, problemForLedgerFailure } from '../services/ledgerErrors.js';
import { ApiProblem, invalidRequest } from '../services/problems.js';

interface BodyParserError {
  readonly type: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { type?: unknown }).type === 'string'
  );
}

/** Maps anything thrown during a request to the ApiProblem it stands for. */
export function toProblem(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) return error;
  if (error instanceof LedgerError) return problemForLedgerFailure(error.failure);
  // Express's router could not decode a path segment's percent-escapes (`%E0%A4%A`).
  if (error instanceof URIError) {
    return invalidRequest(
      [{ path: '', message: 'the path is not valid percent-encoded UTF-8' }],
      'The path is not valid.',
    );
  }
  if (isBodyParserError(error)) {
    switch (error.type) {
      case 'entity.parse.failed':
        return new ApiProblem('malformed-json', 'The body is not well-formed JSON.');
      case 'entity.too.large':
        return new ApiProblem('payload-too-large', 'Request bodies are limited to 256 KiB.');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return new ApiProblem('unsupported-media-type', 'The body must be UTF-8 JSON.');
      case 'request.aborted':
      case 'request.size.invalid':
      case 'stream.encoding.set':
        return new ApiProblem('malformed-json', 'The body could not be read.');
    }
  }
  return new ApiProblem('internal-error', 'The request could not be completed.');
}

export function sendProblem(res: Response, problem: ApiProblem): void {
  if (problem.extra.allow !== undefined) res.setHeader('Allow', problem.extra.allow.join(', '));
  if (problem.extra.retryAfterSeconds !== undefined) {
    res.setHeader('Retry-After', String(problem.extra.retryAfterSeconds));
  }
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(JSON.stringify(problem.toBody()));
}

/** The one error handler: problem+json, no stack traces or internal messages in bodies. */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem = toProblem(error);
    if (problem.status >= 500 && problem.type !== 'commit-pending') {
      // Only the error's class and message: messages of our dependencies carry no request data.
      const cause =
        error instanceof Error
          ? { name: error.name, message: error.message }
          : { value: typeof error };
      logger.error({ reqId: req.id, err: cause, problem: problem.type }, 'request failed');
    }
    sendProblem(res, problem);
  };
}

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction): void {
  next(new ApiProblem('not-found', 'No such resource.'));
}
