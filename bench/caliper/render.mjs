// Writes Caliper's network configuration for the running network (network.sh's network.json):
// the gateway organisation's client identity, its peer as the Fabric Gateway endpoint.
// usage: node render.mjs <network.json> <output folder>
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [networkJson, out] = process.argv.slice(2);
if (networkJson === undefined || out === undefined)
  throw new Error('usage: node render.mjs <network.json> <output folder>');
const network = JSON.parse(readFileSync(networkJson, 'utf8'));
const org = network.orgs.find((o) => o.mspId === network.gatewayMspId);
mkdirSync(out, { recursive: true });
const profile = {
  name: 'veche',
  version: '1.0.0',
  client: { organization: org.name },
  organizations: { [org.name]: { mspid: org.mspId, peers: [org.peer.name] } },
  peers: {
    [org.peer.name]: {
      url: `grpcs://${org.peer.address}`,
      tlsCACerts: { path: org.peer.tlsCa },
      grpcOptions: { 'ssl-target-name-override': org.peer.hostAlias },
    },
  },
};
const profilePath = resolve(join(out, 'connection-profile.json'));
writeFileSync(profilePath, JSON.stringify(profile, null, 2));
const config = {
  name: 'veche',
  version: '2.0.0',
  caliper: { blockchain: 'fabric' },
  channels: [{ channelName: network.channel, contracts: [{ id: network.baselineChaincode }] }],
  organizations: [
    {
      mspid: org.mspId,
      identities: {
        certificates: [
          {
            name: 'bench-client',
            clientPrivateKey: { path: org.client.key },
            clientSignedCert: { path: org.client.cert },
          },
        ],
      },
      connectionProfile: { path: profilePath, discover: true },
    },
  ],
};
writeFileSync(join(out, 'networkconfig.json'), JSON.stringify(config, null, 2));
console.log(`wrote ${join(out, 'networkconfig.json')}`);
