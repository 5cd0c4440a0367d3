import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createHttpServer } from '../../../gateway/src/httpServer.js';

let server: Server;
let port: number;

beforeAll(async () => {
  const app = express();
  app.get('/', (_req, res) => {
    res.json({ ok: true });
  });
  server = createHttpServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** Sends raw bytes and collects the whole answer until the server closes the connection. */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let answer = '';
    socket.setEncoding('latin1').on('data', (chunk: string) => (answer += chunk));
    socket.once('close', () => {
      resolve(answer);
    });
    socket.once('error', reject);
  });
}

function problemOf(answer: string): { status: number; type: string; contentType: string } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const problem = JSON.parse(body) as { type: string; status: number };
  return {
    status: Number(head.split(' ')[1]),
    type: problem.type,
    contentType: /content-type: ([^\r\n]*)/i.exec(head)?.[1] ?? '',
  };
}

describe('the gateway HTTP server', () => {
  it('answers a request whose URL and headers exceed 16 KiB with a 400 invalid-request problem', async () => {
    const answer = await raw(`GET /?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(problemOf(answer)).toEqual({
      status: 400,
      type: 'invalid-request',
      contentType: 'application/problem+json',
    });
  });

  it('answers a malformed request line with a 400 invalid-request problem', async () => {
    const answer = await raw('GET\u0001 / HTTP/9\r\n\r\n');
    expect(problemOf(answer)).toMatchObject({ status: 400, type: 'invalid-request' });
  });

  it('still serves well-formed requests', async () => {
    const answer = await raw('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  });
});
