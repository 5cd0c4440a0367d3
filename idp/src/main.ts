import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequestListener } from './app.js';
import { ConfigError, loadConfig, type IdpConfig } from './config.js';
import { DemoResidentsError, loadDemoResidents } from './demoResidents.js';
import { log } from './log.js';
import { loadOrCreateSigningKeys, SigningKeysError } from './signingKeys.js';

/** Gives in-flight requests this long after SIGTERM/SIGINT before the process exits anyway. */
const shutdownGraceMs = 5000;

function fail(message: string): never {
  log('error', message);
  process.exit(1);
}

async function start(config: IdpConfig): Promise<void> {
  const [residents, keys] = await Promise.all([
    loadDemoResidents(config.demoResidentsFile),
    loadOrCreateSigningKeys(config.keysFile),
  ]);

  // The port is taken before oidc-provider is loaded, so a busy port fails with our one line
  // and not after the library's own start-up warnings.
  const app: { handle?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  const server = createServer((req, res) => {
    if (app.handle !== undefined) {
      app.handle(req, res);
    } else {
      res.writeHead(503, { 'Retry-After': '1' }).end();
    }
  });
  await new Promise<void>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        fail(
          `port ${config.port} on ${config.host} is already in use (set IDP_PORT to another port)`,
        );
      }
      fail(`cannot listen on ${config.host}:${config.port}: ${error.message}`);
    });
    server.listen(config.port, config.host, resolve);
  });

  const { createProvider } = await import('./provider.js');
  const provider = createProvider({ config, residents, keys });
  const tokens = { issuer: config.issuer, audience: config.apiAudience, keys };
  app.handle = createRequestListener({ provider, residents, tokens });

  log(
    'warn',
    'development only: anyone who reaches this IdP can sign in as a demo resident or mint any access token at /dev/token; never use it in production',
    { host: config.host, port: config.port },
  );
  log('info', 'dev-idp ready', {
    issuer: config.issuer,
    audience: config.apiAudience,
    clientId: config.client.id,
    demoResidents: residents.size,
    keysFile: config.keysFile,
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log('info', 'dev-idp stopping', { signal });
    server.close(() => {
      log('info', 'dev-idp stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => {
      server.closeAllConnections();
    }, shutdownGraceMs).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

let config: IdpConfig;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(`invalid configuration: ${error.message}`);
  throw error;
}

start(config).catch((error: unknown) => {
  if (error instanceof DemoResidentsError || error instanceof SigningKeysError) fail(error.message);
  fail(`dev-idp failed to start: ${String(error)}`);
});
