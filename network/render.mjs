#!/usr/bin/env node
// Renders every configuration file of the Fabric network from the topology in topology.sh:
// cryptogen's crypto-config.yaml, configtxgen's configtx.yaml (BFT channel profile), one
// environment file per process, the chaincode packages' connection.json files, the collection
// configs, the endorsement policy and the InitConfig argument. topology.sh stays the one source
// of truth: the renderer asks bash for it (values already in the environment win), so its
// defaults are never copied here. Only node built-ins are used, so it runs before `npm ci`.
//
// usage: node network/render.mjs [--runtime DIR] [--out DIR] [--fabric DIR]
//   --runtime  the network's runtime folder (crypto/, data/ are expected there); default
//              $VECHE_NETWORK_DIR or .runtime/network in the checkout
//   --out      where the files go; default <runtime>/config
//   --fabric   the folder `scripts/install-fabric.sh path` prints; needed only for core.yaml
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const checkout = dirname(here);

class RenderError extends Error {}

// A YAML emitter for the few shapes these files need: mappings, sequences, integers, booleans
// and strings. Every string is written double-quoted through JSON.stringify, whose escapes are a
// subset of YAML's, so no value (a policy with quotes, a path with a colon) can change the
// document's structure.

const plainKey = /^[A-Za-z_][A-Za-z0-9_./-]*$/;

function yamlScalar(value) {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new RenderError(`cannot write ${JSON.stringify(value)} to YAML`);
}

function isMapping(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function yamlLines(value, indent) {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (Array.isArray(item)) throw new RenderError('nested sequences are not supported');
      if (!isMapping(item)) return [`${pad}- ${yamlScalar(item)}`];
      const [first, ...rest] = yamlLines(item, indent + 2);
      return [`${pad}- ${first.slice(indent + 2)}`, ...rest];
    });
  }
  return Object.entries(value).flatMap(([key, child]) => {
    const name = plainKey.test(key) ? key : JSON.stringify(key);
    if (Array.isArray(child)) {
      return child.length === 0
        ? [`${pad}${name}: []`]
        : [`${pad}${name}:`, ...yamlLines(child, indent + 2)];
    }
    if (isMapping(child)) {
      return Object.keys(child).length === 0
        ? [`${pad}${name}: {}`]
        : [`${pad}${name}:`, ...yamlLines(child, indent + 2)];
    }
    return [`${pad}${name}: ${yamlScalar(child)}`];
  });
}

export function toYaml(value, indent = 0) {
  return `${yamlLines(value, indent).join('\n')}\n`;
}

// The topology.

function topologyVariables(env) {
  const script = 'set -a; source "$1"; env -0';
  const out = execFileSync('bash', ['-c', script, 'topology', join(here, 'topology.sh')], {
    env,
    encoding: 'utf8',
    // stdin from /dev/null: bash sources ~/.bashrc when stdin is a socket (Node's default pipe)
    // and SHLVL is unset, and that would mix its output into the variables.
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const vars = {};
  for (const entry of out.split('\0')) {
    const at = entry.indexOf('=');
    if (at > 0) vars[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return vars;
}

const patterns = {
  HOST: [/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'a host name or IPv4 address'],
  MSP: [/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'an MSP ID'],
  DOMAIN: [/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, 'a lower-case DNS domain'],
  NAME: [/^[a-z][a-z0-9_-]{0,48}$/, 'a lower-case name (letters, digits, _ and -)'],
  CHANNEL: [/^[a-z][a-z0-9.-]{0,248}$/, 'a Fabric channel name'],
  KEY: [/^[A-Z][A-Z0-9_]*$/, 'an upper-case variable prefix'],
  TIMEZONE: [/^[A-Za-z0-9_+/-]{1,64}$/, 'an IANA time zone'],
  LOGLEVEL: [
    /^(CRITICAL|ERROR|WARNING|INFO|DEBUG)$/,
    'one of CRITICAL, ERROR, WARNING, INFO, DEBUG',
  ],
};

function reader(vars) {
  const text = (name, kind) => {
    const value = vars[name];
    if (value === undefined || value === '') throw new RenderError(`${name} is not set`);
    const [pattern, what] = patterns[kind];
    if (!pattern.test(value)) throw new RenderError(`${name}=${value} is not ${what}`);
    return value;
  };
  const port = (name) => {
    const value = vars[name];
    if (value === undefined || value === '') throw new RenderError(`${name} is not set`);
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > 65535) {
      throw new RenderError(`${name}=${value} is not a TCP port (1..65535)`);
    }
    return { port: n, source: name };
  };
  const list = (name) => {
    const value = (vars[name] ?? '').trim();
    if (value === '') throw new RenderError(`${name} is empty`);
    return value.split(/\s+/).map((key) => {
      if (!patterns.KEY[0].test(key))
        throw new RenderError(`${name}: ${key} is not ${patterns.KEY[1]}`);
      return key;
    });
  };
  const int = (name, min, max) => {
    const value = vars[name];
    if (value === undefined || value === '') throw new RenderError(`${name} is not set`);
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new RenderError(`${name}=${value} is not an integer in ${min}..${max}`);
    }
    return n;
  };
  return { text, port, list, int, raw: (name) => vars[name] };
}

/** Reads the topology from the variables of topology.sh into one plain model. */
export function readTopology(vars) {
  const r = reader(vars);
  const ordererDomain = r.text('VECHE_ORDERER_DOMAIN', 'DOMAIN');
  const orderers = r.list('VECHE_ORDERERS').map((key, index) => {
    const name = key.toLowerCase();
    const host = r.text(`VECHE_${key}_HOST`, 'HOST');
    return {
      key,
      id: index + 1,
      name,
      fqdn: `${name}.${ordererDomain}`,
      host,
      listen: r.port(`VECHE_${key}_PORT`),
      admin: r.port(`VECHE_${key}_ADMIN_PORT`),
      ops: r.port(`VECHE_${key}_OPS_PORT`),
    };
  });
  const departments = r.list('VECHE_DEPARTMENTS');
  const regulators = r.list('VECHE_REGULATORS');
  const gatewayOrg = r.text('VECHE_GATEWAY_ORG', 'KEY');
  if (!departments.includes(gatewayOrg)) {
    throw new RenderError(
      `VECHE_GATEWAY_ORG=${gatewayOrg} is not one of VECHE_DEPARTMENTS (${departments.join(' ')})`,
    );
  }
  const twice = departments.find((key) => regulators.includes(key));
  if (twice !== undefined) throw new RenderError(`${twice} is both a department and a regulator`);
  const chaincodes = [
    r.text('VECHE_CHAINCODE', 'NAME'),
    r.text('VECHE_BASELINE_CHAINCODE', 'NAME'),
  ];
  const orgs = [
    ...departments.map((key) => [key, 'department']),
    ...regulators.map((key) => [key, 'regulator']),
  ].map(([key, role]) => {
    const msp = r.text(`VECHE_${key}_MSP`, 'MSP');
    const domain = r.text(`VECHE_${key}_DOMAIN`, 'DOMAIN');
    return {
      key,
      name: key.toLowerCase(),
      role,
      msp,
      // cryptogen's organisation name is descriptive only; the MSP ID without its suffix reads best.
      cryptoName: msp.replace(/MSP$/, '') || msp,
      domain,
      peer: `peer0.${domain}`,
      host: r.text(`VECHE_${key}_HOST`, 'HOST'),
      listen: r.port(`VECHE_${key}_PORT`),
      chaincodeListen: r.port(`VECHE_${key}_CC_PORT`),
      ops: r.port(`VECHE_${key}_OPS_PORT`),
      ccaas: {
        [chaincodes[0]]: r.port(`VECHE_${key}_VECHE_CCAAS_PORT`),
        [chaincodes[1]]: r.port(`VECHE_${key}_BASELINE_CCAAS_PORT`),
      },
    };
  });
  const msps = [r.text('VECHE_ORDERER_MSP', 'MSP'), ...orgs.map((org) => org.msp)];
  const repeated = msps.find((msp, i) => msps.indexOf(msp) !== i);
  if (repeated !== undefined)
    throw new RenderError(`MSP ID ${repeated} is used by two organisations`);
  if (chaincodes[0] === chaincodes[1])
    throw new RenderError('VECHE_CHAINCODE and VECHE_BASELINE_CHAINCODE are the same');
  return {
    channel: r.text('VECHE_CHANNEL', 'CHANNEL'),
    chaincode: chaincodes[0],
    baselineChaincode: chaincodes[1],
    timeZone: r.text('VECHE_TIME_ZONE', 'TIMEZONE'),
    // Bounds as the chaincode's config schema has them (chaincode/src/domain/config.ts).
    maxClockSkewSeconds: r.int('VECHE_MAX_CLOCK_SKEW_SECONDS', 1, 3600),
    expectedElectorate: r.int('VECHE_EXPECTED_ELECTORATE', 1, 64_000_000),
    totalQueryLimit: r.int('VECHE_TOTAL_QUERY_LIMIT', 1, 10_000_000),
    chaincodeLogLevel: r.text('VECHE_CHAINCODE_LOG_LEVEL', 'LOGLEVEL'),
    batch: {
      maxIntervalMs: r.int('VECHE_BATCH_MAX_INTERVAL_MS', 1, 60_000),
      maxCount: r.int('VECHE_BATCH_MAX_COUNT', 1, 100_000),
    },
    ordererOrg: {
      msp: msps[0],
      cryptoName: msps[0].replace(/MSP$/, '') || msps[0],
      domain: ordererDomain,
    },
    orderers,
    orgs,
    gatewayOrg: orgs.find((org) => org.key === gatewayOrg),
    services: otherServices(r),
  };
}

// The gateway, the IdP and Redis run on the same machine by default, so their ports count too.
function otherServices(r) {
  const host = r.raw('HOST') || '127.0.0.1';
  const services = [
    { name: 'gateway', host, listen: r.port('PORT') },
    { name: 'idp', host, listen: r.port('IDP_PORT') },
  ];
  const redisUrl = r.raw('REDIS_URL');
  if (redisUrl) {
    let url;
    try {
      url = new URL(redisUrl);
    } catch {
      throw new RenderError(`REDIS_URL=${redisUrl} is not a URL`);
    }
    services.push({
      name: 'redis',
      host: url.hostname,
      listen: { port: Number(url.port || 6379), source: 'REDIS_URL' },
    });
  }
  return services;
}

/** Every listening socket of the topology, one per process and purpose. */
export function listeners(topology) {
  const sockets = [];
  for (const o of topology.orderers) {
    sockets.push({ process: o.name, purpose: 'listen', host: o.host, ...o.listen });
    sockets.push({ process: o.name, purpose: 'admin', host: o.host, ...o.admin });
    sockets.push({ process: o.name, purpose: 'operations', host: o.host, ...o.ops });
  }
  for (const org of topology.orgs) {
    const peer = `peer-${org.name}`;
    sockets.push({ process: peer, purpose: 'listen', host: org.host, ...org.listen });
    sockets.push({ process: peer, purpose: 'chaincode', host: org.host, ...org.chaincodeListen });
    sockets.push({ process: peer, purpose: 'operations', host: org.host, ...org.ops });
    for (const [chaincode, port] of Object.entries(org.ccaas)) {
      sockets.push({
        process: `ccaas-${chaincode}-${org.name}`,
        purpose: 'listen',
        host: org.host,
        ...port,
      });
    }
  }
  for (const s of topology.services)
    sockets.push({ process: s.name, purpose: 'listen', host: s.host, ...s.listen });
  return sockets;
}

// Two processes on one host and port would fail at start with a bind error far from its cause,
// or worse, one would answer for the other; so a collision is refused here, naming both variables.
export function assertPortsUnique(topology) {
  const seen = new Map();
  for (const socket of listeners(topology)) {
    const host = socket.host === 'localhost' ? '127.0.0.1' : socket.host;
    const key = `${host}:${socket.port}`;
    const other = seen.get(key);
    if (other !== undefined) {
      throw new RenderError(
        `port collision: ${key} is configured for ${other.process} ${other.purpose} (${other.source}) ` +
          `and ${socket.process} ${socket.purpose} (${socket.source})`,
      );
    }
    seen.set(key, socket);
  }
}

// Where cryptogen puts each file (its fixed layout under crypto/).

function cryptoPaths(topology, crypto) {
  const od = topology.ordererOrg.domain;
  const ordererOrgDir = join(crypto, 'ordererOrganizations', od);
  const orderer = (o) => {
    const dir = join(ordererOrgDir, 'orderers', o.fqdn);
    return {
      msp: join(dir, 'msp'),
      signcert: join(dir, 'msp', 'signcerts', `${o.fqdn}-cert.pem`),
      tlsCert: join(dir, 'tls', 'server.crt'),
      tlsKey: join(dir, 'tls', 'server.key'),
      tlsCa: join(dir, 'tls', 'ca.crt'),
    };
  };
  const org = (g) => {
    const orgDir = join(crypto, 'peerOrganizations', g.domain);
    const peerDir = join(orgDir, 'peers', g.peer);
    return {
      msp: join(orgDir, 'msp'),
      tlsCaCert: join(orgDir, 'tlsca', `tlsca.${g.domain}-cert.pem`),
      peerMsp: join(peerDir, 'msp'),
      peerTlsCert: join(peerDir, 'tls', 'server.crt'),
      peerTlsKey: join(peerDir, 'tls', 'server.key'),
      peerTlsCa: join(peerDir, 'tls', 'ca.crt'),
      adminMsp: join(orgDir, 'users', `Admin@${g.domain}`, 'msp'),
      clientMsp: join(orgDir, 'users', `User1@${g.domain}`, 'msp'),
    };
  };
  return {
    ordererOrgMsp: join(ordererOrgDir, 'msp'),
    ordererTlsCa: join(ordererOrgDir, 'tlsca', `tlsca.${od}-cert.pem`),
    ordererAdminTlsCert: join(ordererOrgDir, 'users', `Admin@${od}`, 'tls', 'client.crt'),
    ordererAdminTlsKey: join(ordererOrgDir, 'users', `Admin@${od}`, 'tls', 'client.key'),
    orderer,
    org,
  };
}

// The files.

// Clients reach a node at its configured host; the loopback names let an operator on the node's
// own machine use it too, whatever the configured host is.
const loopbackSans = ['127.0.0.1', 'localhost'];
const sans = (host) => [...new Set([host, ...loopbackSans])];

export function renderCryptoConfig(topology) {
  return toYaml({
    OrdererOrgs: [
      {
        Name: topology.ordererOrg.cryptoName,
        Domain: topology.ordererOrg.domain,
        EnableNodeOUs: true,
        Specs: topology.orderers.map((o) => ({ Hostname: o.name, SANS: sans(o.host) })),
      },
    ],
    PeerOrgs: topology.orgs.map((org) => ({
      Name: org.cryptoName,
      Domain: org.domain,
      EnableNodeOUs: true,
      Specs: [{ Hostname: 'peer0', SANS: sans(org.host) }],
      // One client identity (User1) per organisation besides its Admin: the gateway and the
      // regulator's readers act as clients, never as admins.
      Users: { Count: 1 },
    })),
  });
}

const signature = (rule) => ({ Type: 'Signature', Rule: rule });
const implicit = (rule) => ({ Type: 'ImplicitMeta', Rule: rule });
const anyOf = (principals) => `OR(${principals.map((p) => `'${p}'`).join(', ')})`;

/** The chaincode endorsement policy: every department's peer. */
export function endorsementPolicy(topology) {
  const departments = topology.orgs.filter((org) => org.role === 'department');
  return `AND(${departments.map((org) => `'${org.msp}.peer'`).join(',')})`;
}

function applicationOrg(org, paths) {
  const p = (role) => `${org.msp}.${role}`;
  return {
    Name: org.msp,
    ID: org.msp,
    MSPDir: paths.org(org).msp,
    Policies: {
      Readers: signature(anyOf([p('admin'), p('peer'), p('client')])),
      // The regulator's clients must not get transactions ordered (/Channel/Writers is ANY
      // Writers), but its admins must, to approve chaincode definitions.
      Writers: signature(
        org.role === 'regulator' ? anyOf([p('admin')]) : anyOf([p('admin'), p('client')]),
      ),
      Admins: signature(anyOf([p('admin')])),
      Endorsement: signature(anyOf([p('peer')])),
    },
    // In v3 anchor peers go into the genesis block; there is no anchor peer update transaction.
    AnchorPeers: [{ Host: org.host, Port: org.listen.port }],
  };
}

function ordererOrg(topology, paths) {
  const msp = topology.ordererOrg.msp;
  return {
    Name: msp,
    ID: msp,
    MSPDir: paths.ordererOrgMsp,
    Policies: {
      Readers: signature(anyOf([`${msp}.member`])),
      Writers: signature(anyOf([`${msp}.member`])),
      Admins: signature(anyOf([`${msp}.admin`])),
    },
    // BFT clients (peers, the gateway) talk to every orderer, so each one is listed; the global
    // Orderer/Addresses is not supported with V3_0.
    OrdererEndpoints: topology.orderers.map((o) => `${o.host}:${o.listen.port}`),
  };
}

// The sample's ACLs, except that proposals need only Readers (so the regulator's read-only
// clients can evaluate) and chaincode definitions can be read by Readers.
const acls = {
  '_lifecycle/CheckCommitReadiness': '/Channel/Application/Writers',
  '_lifecycle/CommitChaincodeDefinition': '/Channel/Application/Writers',
  '_lifecycle/QueryChaincodeDefinition': '/Channel/Application/Readers',
  '_lifecycle/QueryChaincodeDefinitions': '/Channel/Application/Readers',
  'lscc/ChaincodeExists': '/Channel/Application/Readers',
  'lscc/GetDeploymentSpec': '/Channel/Application/Readers',
  'lscc/GetChaincodeData': '/Channel/Application/Readers',
  'lscc/GetInstantiatedChaincodes': '/Channel/Application/Readers',
  'qscc/GetChainInfo': '/Channel/Application/Readers',
  'qscc/GetBlockByNumber': '/Channel/Application/Readers',
  'qscc/GetBlockByHash': '/Channel/Application/Readers',
  'qscc/GetTransactionByID': '/Channel/Application/Readers',
  'qscc/GetBlockByTxID': '/Channel/Application/Readers',
  'cscc/GetConfigBlock': '/Channel/Application/Readers',
  'cscc/GetChannelConfig': '/Channel/Application/Readers',
  'peer/Propose': '/Channel/Application/Readers',
  'peer/ChaincodeToChaincode': '/Channel/Application/Writers',
  'event/Block': '/Channel/Application/Readers',
  'event/FilteredBlock': '/Channel/Application/Readers',
};

export const profileName = 'CivicChannelBFT';

export function renderConfigtx(topology, paths) {
  const ordererOrganization = ordererOrg(topology, paths);
  const applicationOrgs = topology.orgs.map((org) => applicationOrg(org, paths));
  const channelPolicies = {
    Readers: implicit('ANY Readers'),
    Writers: implicit('ANY Writers'),
    Admins: implicit('MAJORITY Admins'),
  };
  const profile = {
    Policies: channelPolicies,
    Capabilities: { V3_0: true },
    Orderer: {
      OrdererType: 'BFT',
      // SmartBFT ignores BatchTimeout and cuts blocks by BatchSize and RequestBatchMaxInterval
      // (orderer/consensus/smartbft/util.go); configtxgen still expects the field.
      BatchTimeout: '2s',
      BatchSize: {
        MaxMessageCount: topology.batch.maxCount,
        AbsoluteMaxBytes: '10 MB',
        PreferredMaxBytes: '2 MB',
      },
      SmartBFT: {
        RequestBatchMaxCount: topology.batch.maxCount,
        RequestBatchMaxBytes: 10485760,
        // How long a lone transaction waits for its block: the latency knob under SmartBFT.
        // docs/performance.md measures it against throughput under load.
        RequestBatchMaxInterval: `${topology.batch.maxIntervalMs}ms`,
        IncomingMessageBufferSize: 200,
        // Cannot change once the channel exists.
        RequestPoolSize: 100000,
        RequestForwardTimeout: '2s',
        RequestComplainTimeout: '20s',
        // An unordered request is dropped after it; the gateway's replays hand theirs over again.
        RequestAutoRemoveTimeout: '3m0s',
        ViewChangeResendInterval: '5s',
        ViewChangeTimeout: '20s',
        LeaderHeartbeatTimeout: '1m0s',
        LeaderHeartbeatCount: 10,
        CollectTimeout: '1s',
      },
      ConsenterMapping: topology.orderers.map((o) => {
        const files = paths.orderer(o);
        // The cluster shares each orderer's general listener, so Port is the listen port.
        return {
          ID: o.id,
          Host: o.host,
          Port: o.listen.port,
          MSPID: topology.ordererOrg.msp,
          Identity: files.signcert,
          ClientTLSCert: files.tlsCert,
          ServerTLSCert: files.tlsCert,
        };
      }),
      Organizations: [ordererOrganization],
      Policies: {
        Readers: implicit('ANY Readers'),
        Writers: implicit('ANY Writers'),
        Admins: implicit('MAJORITY Admins'),
        // For BFT configtxgen derives the block signature quorum from ConsenterMapping.
        BlockValidation: implicit('ANY Writers'),
      },
      Capabilities: { V2_0: true },
    },
    Application: {
      ACLs: acls,
      Organizations: applicationOrgs,
      Policies: {
        Readers: implicit('ANY Readers'),
        Writers: implicit('ANY Writers'),
        Admins: implicit('MAJORITY Admins'),
        LifecycleEndorsement: implicit('MAJORITY Endorsement'),
        Endorsement: implicit('MAJORITY Endorsement'),
      },
      // V2_5 is what makes PurgePrivateData available.
      Capabilities: { V2_5: true },
    },
  };
  return toYaml({
    Organizations: [ordererOrganization, ...applicationOrgs],
    Profiles: { [profileName]: profile },
  });
}

// Env files are sourced by bash with `set -a`: every value single-quoted, so paths with spaces
// or shell characters stay literal.
function envFile(entries) {
  return `${Object.entries(entries)
    .map(([key, value]) => `${key}='${String(value).replaceAll("'", "'\\''")}'`)
    .join('\n')}\n`;
}

export function renderOrdererEnv(topology, o, paths, runtime) {
  const files = paths.orderer(o);
  const data = join(runtime, 'data', o.name);
  return envFile({
    FABRIC_LOGGING_SPEC: 'info',
    ORDERER_GENERAL_LISTENADDRESS: o.host,
    ORDERER_GENERAL_LISTENPORT: o.listen.port,
    ORDERER_GENERAL_LOCALMSPID: topology.ordererOrg.msp,
    ORDERER_GENERAL_LOCALMSPDIR: files.msp,
    // TLS is mandatory for BFT when the cluster shares the general listener (no Cluster.* keys).
    ORDERER_GENERAL_TLS_ENABLED: true,
    ORDERER_GENERAL_TLS_PRIVATEKEY: files.tlsKey,
    ORDERER_GENERAL_TLS_CERTIFICATE: files.tlsCert,
    ORDERER_GENERAL_TLS_ROOTCAS: files.tlsCa,
    ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
    ORDERER_CHANNELPARTICIPATION_ENABLED: true,
    ORDERER_FILELEDGER_LOCATION: join(data, 'ledger'),
    // SmartBFT uses only the WAL directory; SnapDir is set so nothing lands in /var/hyperledger.
    ORDERER_CONSENSUS_WALDIR: join(data, 'wal'),
    ORDERER_CONSENSUS_SNAPDIR: join(data, 'snapshot'),
    ORDERER_ADMIN_LISTENADDRESS: `${o.host}:${o.admin.port}`,
    // Channel joins go through this endpoint; with TLS on, Fabric requires client authentication.
    ORDERER_ADMIN_TLS_ENABLED: true,
    ORDERER_ADMIN_TLS_PRIVATEKEY: files.tlsKey,
    ORDERER_ADMIN_TLS_CERTIFICATE: files.tlsCert,
    ORDERER_ADMIN_TLS_ROOTCAS: files.tlsCa,
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: true,
    ORDERER_ADMIN_TLS_CLIENTROOTCAS: files.tlsCa,
    ORDERER_OPERATIONS_LISTENADDRESS: `${o.host}:${o.ops.port}`,
    // Prometheus histograms on the operations port (/metrics): bench:api reads where a ballot's
    // time goes from them; the default provider is disabled.
    ORDERER_METRICS_PROVIDER: 'prometheus',
  });
}

// Gossip forwards private data to the other department's peer before endorsement returns; data
// endorsed but never committed stays in the transient store this many blocks. Low, because it is
// residents' personal data; high enough that a normal commit (a few blocks) always finds it.
const transientRetentionBlocks = 100;

export function renderPeerEnv(org, paths, runtime, totalQueryLimit) {
  const files = paths.org(org);
  const address = `${org.host}:${org.listen.port}`;
  const chaincodeAddress = `${org.host}:${org.chaincodeListen.port}`;
  const data = join(runtime, 'data', `peer-${org.name}`);
  return envFile({
    FABRIC_LOGGING_SPEC: 'info',
    CORE_PEER_ID: org.peer,
    // Explicit addresses: with 0.0.0.0 the peer would advertise an auto-detected interface.
    CORE_PEER_ADDRESS: address,
    CORE_PEER_LISTENADDRESS: address,
    CORE_PEER_ADDRESSAUTODETECT: false,
    // The peer always opens this listener, although under CCaaS it dials the chaincode instead.
    CORE_PEER_CHAINCODELISTENADDRESS: chaincodeAddress,
    CORE_PEER_CHAINCODEADDRESS: chaincodeAddress,
    // One peer per organisation: it bootstraps from itself; the external endpoint makes it
    // visible to the other organisations (discovery, private data dissemination).
    CORE_PEER_GOSSIP_BOOTSTRAP: address,
    CORE_PEER_GOSSIP_ENDPOINT: address,
    CORE_PEER_GOSSIP_EXTERNALENDPOINT: address,
    // The first dial to another org's anchor peer fails while that org's TLS roots are not yet
    // loaded from the channel config; gossip dials again only after this interval (25 s by
    // default), and until then discovery sees one org and no cross-org endorsement can be planned.
    CORE_PEER_GOSSIP_RECONNECTINTERVAL: '2s',
    CORE_PEER_GOSSIP_USELEADERELECTION: false,
    CORE_PEER_GOSSIP_ORGLEADER: true,
    CORE_PEER_GOSSIP_STATE_ENABLED: false,
    CORE_PEER_DELIVERYCLIENT_BLOCKGOSSIPENABLED: false,
    CORE_PEER_GOSSIP_PVTDATA_TRANSIENTSTOREMAXBLOCKRETENTION: transientRetentionBlocks,
    CORE_PEER_TLS_ENABLED: true,
    CORE_PEER_TLS_CERT_FILE: files.peerTlsCert,
    CORE_PEER_TLS_KEY_FILE: files.peerTlsKey,
    CORE_PEER_TLS_ROOTCERT_FILE: files.peerTlsCa,
    CORE_PEER_MSPCONFIGPATH: files.peerMsp,
    CORE_PEER_LOCALMSPID: org.msp,
    CORE_PEER_FILESYSTEMPATH: data,
    // Read without path translation and defaulting to /var/hyperledger: always set per peer.
    CORE_LEDGER_SNAPSHOTS_ROOTDIR: join(data, 'snapshots'),
    CORE_LEDGER_STATE_STATEDATABASE: 'goleveldb',
    CORE_LEDGER_HISTORY_ENABLEHISTORYDATABASE: true,
    // Records one non-paginated chaincode range read returns at most; past it the range ends
    // without an error (a tally chunk detects that and never marks its shard done on a cut range).
    CORE_LEDGER_STATE_TOTALQUERYLIMIT: totalQueryLimit,
    // Purged private data leaves the private data store at the next block, not 100 blocks later.
    CORE_LEDGER_PVTDATASTORE_PURGEINTERVAL: 1,
    CORE_OPERATIONS_LISTENADDRESS: `${org.host}:${org.ops.port}`,
    // Endorsement, chaincode and commit histograms on /metrics, for bench:api's breakdown.
    CORE_METRICS_PROVIDER: 'prometheus',
    // Empty disables Docker (Fabric 3 accepts an empty override); chaincode runs as a service.
    CORE_VM_ENDPOINT: '',
    CORE_PEER_GATEWAY_ENABLED: true,
    CORE_PEER_DISCOVERY_ENABLED: true,
    // The default 500 concurrent gateway requests caps throughput under load.
    CORE_PEER_LIMITS_CONCURRENCY_GATEWAYSERVICE: 5000,
  });
}

// The peer CLI acting for an organisation: its admin (joins, lifecycle) or its client (queries).
function renderCliEnv(org, paths, identity) {
  const files = paths.org(org);
  return envFile({
    // 'warning' would print gRPC's keepalive notice on every command.
    FABRIC_LOGGING_SPEC: 'error',
    CORE_PEER_LOCALMSPID: org.msp,
    CORE_PEER_MSPCONFIGPATH: identity === 'admin' ? files.adminMsp : files.clientMsp,
    CORE_PEER_ADDRESS: `${org.host}:${org.listen.port}`,
    CORE_PEER_TLS_ENABLED: true,
    CORE_PEER_TLS_ROOTCERT_FILE: files.peerTlsCa,
  });
}

// A chaincode server runs beside its organisation's peer, on the same host, and presents the
// peer's TLS pair; its clients must hold a certificate of the organisation's TLS CA (mutual TLS).
// The veche server also gets the digest of the config this organisation approves: its InitConfig
// refuses any other (chaincode/src/domain/config.ts, assertPinnedConfig).
function renderCcaasEnv(org, chaincode, paths, configDigest, logLevel) {
  const files = paths.org(org);
  return envFile({
    CORE_CHAINCODE_ADDRESS: `${org.host}:${org.ccaas[chaincode].port}`,
    CORE_CHAINCODE_LOGGING_LEVEL: logLevel,
    CORE_CHAINCODE_TLS_CERT_FILE: files.peerTlsCert,
    CORE_CHAINCODE_TLS_KEY_FILE: files.peerTlsKey,
    CORE_CHAINCODE_TLS_CLIENT_CACERT_FILE: files.tlsCaCert,
    ...(configDigest === undefined ? {} : { VECHE_CONFIG_SHA256: configDigest }),
  });
}

/** connection.json of one organisation's package; the PEMs only once cryptogen has run. */
export function renderConnection(org, chaincode, paths) {
  const files = paths.org(org);
  const connection = {
    address: `${org.host}:${org.ccaas[chaincode].port}`,
    dial_timeout: '10s',
    // Absent means false in the peer's code, whatever the docs say: always explicit.
    tls_required: true,
    client_auth_required: true,
  };
  const pems = [files.tlsCaCert, files.peerTlsCert, files.peerTlsKey];
  const missing = pems.filter((file) => !existsSync(file));
  if (missing.length > 0)
    return { json: `${JSON.stringify(connection, null, 2)}\n`, complete: false };
  const [root, cert, key] = pems.map((file) => readFileSync(file, 'utf8'));
  const full = { ...connection, root_cert: root, client_cert: cert, client_key: key };
  return { json: `${JSON.stringify(full, null, 2)}\n`, complete: true };
}

export function renderCollections(topology, name) {
  const departments = topology.orgs.filter((org) => org.role === 'department');
  return `${JSON.stringify(
    [
      {
        name,
        policy: `OR(${departments.map((org) => `'${org.msp}.member'`).join(',')})`,
        requiredPeerCount: 1,
        maxPeerCount: 1,
        blockToLive: 0,
        memberOnlyRead: true,
        memberOnlyWrite: true,
        endorsementPolicy: { signaturePolicy: endorsementPolicy(topology) },
      },
    ],
    null,
    2,
  )}\n`;
}

/**
 * InitConfig's argument, as canonical JSON (keys sorted, no spaces: the chaincode's
 * canonicalJson of the same config), so that its SHA-256 is the digest the chaincode servers are
 * pinned to and the definition's version names.
 */
export function renderInitConfig(topology) {
  const config = {
    departmentMspIds: topology.orgs
      .filter((org) => org.role === 'department')
      .map((org) => org.msp),
    expectedElectorate: topology.expectedElectorate,
    gatewayMspId: topology.gatewayOrg.msp,
    maxClockSkewSeconds: topology.maxClockSkewSeconds,
    regulatorMspIds: topology.orgs.filter((org) => org.role === 'regulator').map((org) => org.msp),
    timeZone: topology.timeZone,
  };
  const sorted = Object.fromEntries(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : 1)));
  return `${JSON.stringify(sorted)}\n`;
}

/** The SHA-256 (hex) of InitConfig's argument: init.json without its final newline. */
export function initConfigDigest(initJson) {
  return createHash('sha256').update(initJson.trimEnd(), 'utf8').digest('hex');
}

/**
 * Fabric's sample core.yaml with chaincode.externalBuilders replaced by the ccaas builder. Lists
 * are awkward to override from the environment, so this one key is set in the file and
 * everything else per process in its env file. The block is found by indentation: the key's
 * line and every following line indented deeper (or a sequence item at the key's own indent).
 */
export function replaceExternalBuilders(coreYaml, builderPath) {
  const lines = coreYaml.split('\n');
  let section = '';
  let start = -1;
  let indent = 0;
  for (const [i, line] of lines.entries()) {
    if (/^[A-Za-z]/.test(line)) section = line.slice(0, line.indexOf(':'));
    const match = /^( +)externalBuilders:/.exec(line);
    if (match && section === 'chaincode') {
      start = i;
      indent = match[1].length;
      break;
    }
  }
  if (start < 0)
    throw new RenderError('the sample core.yaml has no chaincode.externalBuilders key');
  let last = start;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const depth = line.length - line.trimStart().length;
    if (depth < indent || (depth === indent && !line.trimStart().startsWith('- '))) break;
    last = i;
  }
  const block = toYaml(
    {
      externalBuilders: [
        {
          name: 'ccaas_builder',
          path: builderPath,
          propagateEnvironment: ['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG'],
        },
      ],
    },
    indent,
  ).trimEnd();
  return [...lines.slice(0, start), block, ...lines.slice(last + 1)].join('\n');
}

function processTable(topology) {
  const rows = [
    ...topology.orderers.map((o) => [
      o.name,
      'orderer',
      '-',
      `${o.host}:${o.listen.port}`,
      `http://${o.host}:${o.ops.port}/healthz`,
      `${o.host}:${o.admin.port}`,
    ]),
    ...topology.orgs.map((org) => [
      `peer-${org.name}`,
      'peer',
      org.name,
      `${org.host}:${org.listen.port}`,
      `http://${org.host}:${org.ops.port}/healthz`,
      '-',
    ]),
    ...topology.orgs.flatMap((org) =>
      Object.entries(org.ccaas).map(([chaincode, port]) => [
        `ccaas-${chaincode}-${org.name}`,
        'ccaas',
        org.name,
        `${org.host}:${port.port}`,
        `tcp://${org.host}:${port.port}`,
        chaincode,
      ]),
    ),
  ];
  return `${rows.map((row) => row.join('\t')).join('\n')}\n`;
}

function orgTable(topology, paths) {
  return `${topology.orgs
    .map((org) =>
      [
        org.name,
        org.msp,
        org.role,
        `${org.host}:${org.listen.port}`,
        paths.org(org).peerTlsCa,
      ].join('\t'),
    )
    .join('\n')}\n`;
}

function renderNetworkEnv(topology, paths, runtime) {
  const first = topology.orderers[0];
  return envFile({
    VECHE_CHANNEL: topology.channel,
    VECHE_CHAINCODE: topology.chaincode,
    VECHE_BASELINE_CHAINCODE: topology.baselineChaincode,
    VECHE_CONFIGTX_PROFILE: profileName,
    VECHE_CHANNEL_BLOCK: join(runtime, 'artifacts', `${topology.channel}.block`),
    VECHE_ORDERER_ADDRESS: `${first.host}:${first.listen.port}`,
    VECHE_ORDERER_TLS_CA: paths.ordererTlsCa,
    VECHE_ORDERER_ADMIN_TLS_CERT: paths.ordererAdminTlsCert,
    VECHE_ORDERER_ADMIN_TLS_KEY: paths.ordererAdminTlsKey,
    VECHE_ENDORSEMENT_POLICY: endorsementPolicy(topology),
  });
}

// cryptogen's names for an identity's certificate and key inside its MSP folder.
function identityFiles(msp, user, domain) {
  return {
    cert: join(msp, 'signcerts', `${user}@${domain}-cert.pem`),
    key: join(msp, 'keystore', 'priv_sk'),
  };
}

/**
 * The network as its clients see it (the gateway, the tests, the benchmarks): one machine-readable
 * description, so no client re-derives cryptogen's layout or the ports.
 */
export function renderNetworkJson(topology, paths) {
  return `${JSON.stringify(
    {
      channel: topology.channel,
      chaincode: topology.chaincode,
      baselineChaincode: topology.baselineChaincode,
      gatewayMspId: topology.gatewayOrg.msp,
      orderers: topology.orderers.map((o) => ({
        name: o.name,
        address: `${o.host}:${o.listen.port}`,
        adminAddress: `${o.host}:${o.admin.port}`,
        operationsAddress: `${o.host}:${o.ops.port}`,
        hostAlias: `${o.name}.${topology.ordererOrg.domain}`,
        tlsCa: paths.ordererTlsCa,
      })),
      orgs: topology.orgs.map((org) => {
        const files = paths.org(org);
        return {
          name: org.name,
          mspId: org.msp,
          role: org.role,
          peer: {
            name: `peer-${org.name}`,
            address: `${org.host}:${org.listen.port}`,
            operationsAddress: `${org.host}:${org.ops.port}`,
            hostAlias: org.peer,
            tlsCa: files.peerTlsCa,
          },
          admin: identityFiles(files.adminMsp, 'Admin', org.domain),
          client: identityFiles(files.clientMsp, 'User1', org.domain),
        };
      }),
    },
    null,
    2,
  )}\n`;
}

/** The gateway's ledger settings (see .env.example): what `npm start` hands the gateway. */
export function renderGatewayEnv(topology, paths) {
  const pairs = (orgs, value) => orgs.map((org) => `${org.msp}=${value(org)}`).join(',');
  const regulator = topology.orgs.find((org) => org.role === 'regulator');
  const connected = [topology.gatewayOrg, regulator].filter((org) => org !== undefined);
  const departments = topology.orgs.filter((org) => org.role === 'department');
  const client = (org) => identityFiles(paths.org(org).clientMsp, 'User1', org.domain);
  return envFile({
    FABRIC_CHANNEL: topology.channel,
    FABRIC_CHAINCODE: topology.chaincode,
    FABRIC_GATEWAY_MSP_ID: topology.gatewayOrg.msp,
    ...(regulator ? { FABRIC_REGULATOR_MSP_ID: regulator.msp } : {}),
    DEPARTMENT_MSP_IDS: departments.map((org) => org.msp).join(','),
    FABRIC_PEERS: pairs(connected, (org) => `${org.host}:${org.listen.port}`),
    FABRIC_PEER_HOST_ALIASES: pairs(connected, (org) => org.peer),
    FABRIC_TLS_CA_FILES: pairs(connected, (org) => paths.org(org).peerTlsCa),
    FABRIC_IDENTITY_CERTS: pairs(topology.orgs, (org) => client(org).cert),
    FABRIC_IDENTITY_KEYS: pairs(topology.orgs, (org) => client(org).key),
    // Every orderer, not only reachable ones: the gateway's quorum is counted out of all of them.
    FABRIC_ORDERER_HEALTH_URLS: topology.orderers
      .map((o) => `http://${o.host}:${o.ops.port}/healthz`)
      .join(','),
  });
}

/** Renders everything into `out`; returns the files written and notes for the operator. */
export function render({ env, runtime, out, fabric }) {
  const topology = readTopology(topologyVariables(env));
  assertPortsUnique(topology);
  const crypto = join(runtime, 'crypto');
  const paths = cryptoPaths(topology, crypto);
  const files = new Map();
  const notes = [];

  files.set('crypto-config.yaml', renderCryptoConfig(topology));
  files.set('configtx.yaml', renderConfigtx(topology, paths));
  files.set('endorsement-policy.txt', `${endorsementPolicy(topology)}\n`);
  files.set('network.env', renderNetworkEnv(topology, paths, runtime));
  files.set('processes.tsv', processTable(topology));
  files.set('orgs.tsv', orgTable(topology, paths));
  files.set('network.json', renderNetworkJson(topology, paths));
  files.set('gateway.env', renderGatewayEnv(topology, paths));
  for (const o of topology.orderers)
    files.set(`env/${o.name}.env`, renderOrdererEnv(topology, o, paths, runtime));
  for (const org of topology.orgs) {
    files.set(
      `env/peer-${org.name}.env`,
      renderPeerEnv(org, paths, runtime, topology.totalQueryLimit),
    );
    files.set(`env/admin-${org.name}.env`, renderCliEnv(org, paths, 'admin'));
    files.set(`env/client-${org.name}.env`, renderCliEnv(org, paths, 'client'));
  }
  const collectionNames = {
    [topology.chaincode]: 'residentPersonalData',
    [topology.baselineChaincode]: 'baselinePrivate',
  };
  let incomplete = false;
  const initJson = renderInitConfig(topology);
  for (const chaincode of [topology.chaincode, topology.baselineChaincode]) {
    files.set(
      `chaincode/${chaincode}/collections_config.json`,
      renderCollections(topology, collectionNames[chaincode]),
    );
    for (const org of topology.orgs) {
      const connection = renderConnection(org, chaincode, paths);
      incomplete ||= !connection.complete;
      files.set(`chaincode/${chaincode}/${org.name}/connection.json`, connection.json);
      const digest = chaincode === topology.chaincode ? initConfigDigest(initJson) : undefined;
      files.set(
        `env/ccaas-${chaincode}-${org.name}.env`,
        renderCcaasEnv(org, chaincode, paths, digest, topology.chaincodeLogLevel),
      );
    }
  }
  files.set(`chaincode/${topology.chaincode}/init.json`, initJson);
  if (incomplete) {
    notes.push(
      `connection.json files have no root_cert/client_cert/client_key: no crypto material in ${crypto} yet ` +
        '(cryptogen has not run); render again after it',
    );
  }

  const sampleCore = fabric ? join(fabric, 'sampleconfig', 'core.yaml') : '';
  if (sampleCore && existsSync(sampleCore)) {
    files.set(
      'core.yaml',
      replaceExternalBuilders(readFileSync(sampleCore, 'utf8'), join(fabric, 'builders', 'ccaas')),
    );
  } else {
    notes.push(
      `core.yaml skipped: ${fabric ? `no ${sampleCore}` : 'no --fabric folder given'} ` +
        '(it is Fabric\'s sample core.yaml with the ccaas builder; pass --fabric "$(bash scripts/install-fabric.sh path)")',
    );
  }

  for (const [name, text] of files) {
    const target = join(out, name);
    mkdirSync(dirname(target), { recursive: true });
    // connection.json may carry the peer's TLS key: readable by the owner only.
    writeFileSync(target, text, { mode: name.endsWith('connection.json') ? 0o600 : 0o644 });
  }
  return { files: [...files.keys()], notes };
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (!['--runtime', '--out', '--fabric'].includes(flag) || value === undefined) {
      throw new RenderError(
        `usage: render.mjs [--runtime DIR] [--out DIR] [--fabric DIR] (got ${flag})`,
      );
    }
    options[flag.slice(2)] = resolve(value);
  }
  return options;
}

function main() {
  try {
    const options = parseArgs(process.argv.slice(2));
    const runtime =
      options.runtime ??
      resolve(process.env.VECHE_NETWORK_DIR || join(checkout, '.runtime', 'network'));
    const out = options.out ?? join(runtime, 'config');
    const { files, notes } = render({ env: process.env, runtime, out, fabric: options.fabric });
    for (const note of notes) console.log(`render: note: ${note}`);
    console.log(`render: wrote ${files.length} files to ${out}`);
  } catch (error) {
    if (!(error instanceof RenderError)) throw error;
    console.error(`render: ${error.message}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
