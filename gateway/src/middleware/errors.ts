import type { NextFunction, Request, Response } from 'express';
import {
  LedgerError,
  problemForLedgerFailure,
  type LedgerErrorCause,
} from '../services/ledgerErrors.js';
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

/** What a log line says of an error: its kind, our message, the ledger's cause; no stack. */
export interface LoggedError {
  /** The error's class (not `name`: the logger redacts every `name` as a personal detail). */
  readonly class: string;
  readonly message: string;
  /** The problem type answered, when the error was (or maps to) one. */
  readonly problem?: string;
  readonly ledger?: LedgerError['failure'];
  /** What the ledger's client reported (not `cause`: pino folds that into the message). */
  readonly client?: LedgerErrorCause;
}

/**
 * An error as the log keeps it: class, message, the ledger failure and its client's cause (gRPC
 * code, nodes' messages). No stack: the gateway's own errors are expected outcomes, and a stack
 * made up for a status code says nothing. No request data: messages are ours or our clients'.
 */
export function errorForLog(error: unknown): LoggedError {
  if (error instanceof LedgerError) {
    return {
      class: error.name,
      message: error.message,
      problem: problemForLedgerFailure(error.failure).type,
      ledger: error.failure,
      ...(error.ledgerCause === undefined ? {} : { client: error.ledgerCause }),
    };
  }
  if (error instanceof ApiProblem)
    return { class: error.name, message: error.message, problem: error.type };
  if (error instanceof Error) return { class: error.name, message: error.message };
  return { class: typeof error, message: 'a non-Error value was thrown' };
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

/**
 * The one error handler: problem+json, no stack traces or internal messages in bodies. The error
 * is handed to the access log (pino-http's `res.err`), so a failed request is one log line that
 * carries its status and its cause.
 */
export function errorHandler() {
  return (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(error);
      return;
    }
    res.err = errorForLog(error) as unknown as Error;
    sendProblem(res, toProblem(error));
  };
}

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction): void {
  next(new ApiProblem('not-found', 'No such resource.'));
}
