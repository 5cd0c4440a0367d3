import { createServer, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiProblem } from './services/problems.js';

/**
 * What the gateway answers a request Node's HTTP parser refuses before Express sees it (headers
 * and request line over 16 KiB, a malformed request line or header): Node's own answer is a bare
 * 431 or 400 without a body, and every error of the API is problem+json (API.md). It is
 * `invalid-request`, the one problem type of API.md for a request the client got wrong.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // Nothing to answer: the client is gone, or the parser failed on a timed-out connection.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const detail =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'The request line and headers are limited to 16 KiB together.'
      : 'The request is not well-formed HTTP.';
  const body = JSON.stringify(new ApiProblem('invalid-request', detail).toBody());
  socket.end(
    'HTTP/1.1 400 Bad Request\r\n' +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** The HTTP server the gateway listens with (main.ts) and the tests send real requests to. */
export function createHttpServer(app: RequestListener): Server {
  const server = createServer(app);
  server.on('clientError', answerClientError);
  return server;
}
