import { readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dirname, join } from 'node:path';
import type { OrdererDescription } from './fabricNetwork.js';

/**
 * The orderer admin's TLS client certificate and key, from the network.env that network.sh
 * renders beside network.json (the channel participation API requires mutual TLS).
 */
export function ordererAdminTls(networkConfigPath: string): { cert: Buffer; key: Buffer } {
  const env = new Map<string, string>();
  for (const line of readFileSync(join(dirname(networkConfigPath), 'network.env'), 'utf8').split(
    '\n',
  )) {
    const match = /^([A-Z0-9_]+)='(.*)'$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined)
      env.set(match[1], match[2].replaceAll(`'\\''`, `'`));
  }
  const cert = env.get('VECHE_ORDERER_ADMIN_TLS_CERT');
  const key = env.get('VECHE_ORDERER_ADMIN_TLS_KEY');
  if (cert === undefined || key === undefined)
    throw new Error('network.env names no orderer admin TLS certificate and key');
  return { cert: readFileSync(cert), key: readFileSync(key) };
}

/**
 * The channel's height on one orderer, from its channel participation API (what `osnadmin
 * channel info` prints).
 */
export async function ordererChannelHeight(
  orderer: OrdererDescription,
  channel: string,
  adminTls: { cert: Buffer; key: Buffer },
): Promise<number> {
  const [host, port] = orderer.adminAddress.split(':');
  const body = await new Promise<string>((resolve, reject) => {
    const request = httpsRequest(
      {
        host,
        port: Number(port),
        path: `/participation/v1/channels/${channel}`,
        ca: readFileSync(orderer.tlsCa),
        cert: adminTls.cert,
        key: adminTls.key,
        servername: orderer.hostAlias,
        timeout: 5000,
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          if (response.statusCode === 200) resolve(text);
          else reject(new Error(`${orderer.name} answered ${response.statusCode}: ${text}`));
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${orderer.name}: no answer in 5 s`)));
    request.on('error', reject);
    request.end();
  });
  const info = JSON.parse(body) as { height?: unknown };
  if (typeof info.height !== 'number') throw new Error(`${orderer.name}: no height in ${body}`);
  return info.height;
}

/** Whether the orderer's operations endpoint answers /healthz with 200. */
export async function ordererHealthy(orderer: OrdererDescription): Promise<boolean> {
  return new Promise((resolve) => {
    const request = httpGet(
      `http://${orderer.operationsAddress}/healthz`,
      { timeout: 2000 },
      (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      },
    );
    request.on('timeout', () => request.destroy());
    request.on('error', () => {
      resolve(false);
    });
  });
}
