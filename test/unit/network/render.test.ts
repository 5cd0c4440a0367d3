import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const renderer = join(process.cwd(), 'network/render.mjs');
// js-yaml is already installed (eslint and jest depend on it); it parses the renderer's output
// independently of the renderer's own emitter.
const requireCjs = createRequire(join(process.cwd(), 'package.json'));
const yaml = requireCjs('js-yaml') as { load: (text: string) => unknown };

interface Policy {
  Type: string;
  Rule: string;
}
interface Org {
  Name: string;
  ID: string;
  Policies: Record<string, Policy>;
  AnchorPeers?: { Host: string; Port: number }[];
  OrdererEndpoints?: string[];
}
interface Consenter {
  ID: number;
  Host: string;
  Port: number;
  MSPID: string;
  Identity: string;
  ClientTLSCert: string;
  ServerTLSCert: string;
}
interface Profile {
  Capabilities: Record<string, boolean>;
  Orderer: {
    OrdererType: string;
    ConsenterMapping: Consenter[];
    Organizations: Org[];
    Capabilities: Record<string, boolean>;
    SmartBFT: Record<string, string | number>;
  };
  Application: {
    ACLs: Record<string, string>;
    Organizations: Org[];
    Policies: Record<string, Policy>;
    Capabilities: Record<string, boolean>;
  };
}
interface Collection {
  name: string;
  policy: string;
  requiredPeerCount: number;
  maxPeerCount: number;
  blockToLive: number;
  memberOnlyRead: boolean;
  memberOnlyWrite: boolean;
  endorsementPolicy: { signaturePolicy: string };
}

// The test's own environment must not leak into the topology (CI may set PORT, for instance).
const topologyVariable = /^(VECHE_|PORT$|IDP_PORT$|REDIS_URL$|HOST$)/;
function cleanEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!topologyVariable.test(key)) env[key] = value;
  }
  return { ...env, ...overrides };
}

describe('network/render.mjs', () => {
  let dir: string;
  let out: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'veche-render-'));
    out = join(dir, 'config');
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function render(overrides: Record<string, string> = {}, extra: string[] = []): string {
    return execFileSync('node', [renderer, '--runtime', dir, '--out', out, ...extra], {
      env: cleanEnv(overrides),
      encoding: 'utf8',
    });
  }

  const read = (name: string): string => readFileSync(join(out, name), 'utf8');
  const profile = (): Profile =>
    (yaml.load(read('configtx.yaml')) as { Profiles: Record<string, Profile> }).Profiles
      .CivicChannelBFT!;
  const envOf = (name: string): Record<string, string> => {
    const script = 'set -a; source "$1"; env -0';
    // Only what the file sets: an empty environment, and no stdin socket that would make bash
    // read ~/.bashrc.
    const text = execFileSync('env', ['-i', 'bash', '-c', script, 'env', join(out, 'env', name)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return Object.fromEntries(
      text
        .split('\0')
        .filter((entry) => entry.includes('='))
        .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
    );
  };
  function allFiles(root: string): string[] {
    return readdirSync(root, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? allFiles(join(root, entry.name))
        : [relative(out, join(root, entry.name))],
    );
  }
  const envFiles = (prefix: string): string[] =>
    readdirSync(join(out, 'env')).filter((name) => name.startsWith(prefix));

  describe('with the defaults of topology.sh', () => {
    beforeEach(() => {
      render();
    });

    it('maps four BFT consenters to the orderers listen ports, with their certificate files', () => {
      const consenters = profile().Orderer.ConsenterMapping;
      expect(consenters.map((c) => [c.ID, c.Host, c.Port])).toEqual([
        [1, '127.0.0.1', 7050],
        [2, '127.0.0.1', 7060],
        [3, '127.0.0.1', 7070],
        [4, '127.0.0.1', 7080],
      ]);
      const third = consenters[2]!;
      expect(third.MSPID).toBe('CityOrdererMSP');
      expect(third.Identity).toBe(
        join(
          dir,
          'crypto/ordererOrganizations/orderer.city.veche/orderers/orderer3.orderer.city.veche',
          'msp/signcerts/orderer3.orderer.city.veche-cert.pem',
        ),
      );
      expect(third.ClientTLSCert).toMatch(/orderer3\.orderer\.city\.veche\/tls\/server\.crt$/);
      expect(third.ServerTLSCert).toBe(third.ClientTLSCert);
      expect(profile().Orderer.OrdererType).toBe('BFT');
      expect(profile().Orderer.Organizations[0]!.OrdererEndpoints).toEqual([
        '127.0.0.1:7050',
        '127.0.0.1:7060',
        '127.0.0.1:7070',
        '127.0.0.1:7080',
      ]);
      expect(read('configtx.yaml')).toMatch(/^ +RequestBatchMaxInterval: "50ms"$/m);
    });

    it('gives every process its own ports', () => {
      const addresses: string[] = [];
      for (const name of envFiles('orderer')) {
        const env = envOf(name);
        addresses.push(
          `${env.ORDERER_GENERAL_LISTENADDRESS}:${env.ORDERER_GENERAL_LISTENPORT}`,
          env.ORDERER_ADMIN_LISTENADDRESS!,
          env.ORDERER_OPERATIONS_LISTENADDRESS!,
        );
      }
      for (const name of envFiles('peer-')) {
        const env = envOf(name);
        addresses.push(
          env.CORE_PEER_LISTENADDRESS!,
          env.CORE_PEER_CHAINCODELISTENADDRESS!,
          env.CORE_OPERATIONS_LISTENADDRESS!,
        );
      }
      for (const name of envFiles('ccaas-')) addresses.push(envOf(name).CORE_CHAINCODE_ADDRESS!);
      expect(addresses).toHaveLength(4 * 3 + 3 * 3 + 3 * 2);
      expect(addresses.every((address) => /^127\.0\.0\.1:\d+$/.test(address))).toBe(true);
      expect(new Set(addresses.map((address) => address.split(':')[1])).size).toBe(
        addresses.length,
      );
    });

    it("admits only the regulator's admins to its Writers, and every department's clients", () => {
      const orgs = profile().Application.Organizations;
      const byId = Object.fromEntries(orgs.map((org) => [org.ID, org]));
      expect(Object.keys(byId)).toEqual(['ITDeptMSP', 'CivicChamberMSP', 'RegulatorMSP']);
      expect(byId.RegulatorMSP!.Policies.Writers).toEqual({
        Type: 'Signature',
        Rule: "OR('RegulatorMSP.admin')",
      });
      expect(byId.RegulatorMSP!.Policies.Readers!.Rule).toContain("'RegulatorMSP.client'");
      expect(byId.ITDeptMSP!.Policies.Writers!.Rule).toBe(
        "OR('ITDeptMSP.admin', 'ITDeptMSP.client')",
      );
      expect(byId.CivicChamberMSP!.AnchorPeers).toEqual([{ Host: '127.0.0.1', Port: 8060 }]);
    });

    it('lets Readers propose, so regulator clients can evaluate', () => {
      expect(read('configtx.yaml')).toMatch(
        /^ +peer\/Propose: "\/Channel\/Application\/Readers"$/m,
      );
      const acls = profile().Application.ACLs;
      expect(acls['peer/Propose']).toBe('/Channel/Application/Readers');
      expect(acls['_lifecycle/CommitChaincodeDefinition']).toBe('/Channel/Application/Writers');
      expect(profile().Application.Policies.LifecycleEndorsement).toEqual({
        Type: 'ImplicitMeta',
        Rule: 'MAJORITY Endorsement',
      });
    });

    it('requires channel V3_0, orderer V2_0 and application V2_5 capabilities', () => {
      const p = profile();
      expect(p.Capabilities).toEqual({ V3_0: true });
      expect(p.Orderer.Capabilities).toEqual({ V2_0: true });
      expect(p.Application.Capabilities).toEqual({ V2_5: true });
    });

    it('configures peers for prompt purges, no Docker, explicit addresses and the history DB', () => {
      for (const name of envFiles('peer-')) {
        const text = read(`env/${name}`);
        expect(text).toMatch(/^CORE_VM_ENDPOINT=''$/m);
        const env = envOf(name);
        expect(env.CORE_VM_ENDPOINT).toBe('');
        expect(env.CORE_LEDGER_PVTDATASTORE_PURGEINTERVAL).toBe('1');
        expect(env.CORE_LEDGER_HISTORY_ENABLEHISTORYDATABASE).toBe('true');
        expect(Number(env.CORE_PEER_GOSSIP_PVTDATA_TRANSIENTSTOREMAXBLOCKRETENTION)).toBeLessThan(
          1000,
        );
        expect(env.CORE_PEER_GOSSIP_EXTERNALENDPOINT).toBe(env.CORE_PEER_ADDRESS);
        // Cross-org discovery must not wait gossip's default 25 s for a second dial.
        expect(env.CORE_PEER_GOSSIP_RECONNECTINTERVAL).toBe('2s');
        expect(env.CORE_LEDGER_SNAPSHOTS_ROOTDIR).toBe(
          join(env.CORE_PEER_FILESYSTEMPATH!, 'snapshots'),
        );
      }
      expect(envOf('peer-regulator.env').CORE_PEER_LOCALMSPID).toBe('RegulatorMSP');
    });

    it("hands the gateway its own and the regulator's peers and a client identity of every organisation", () => {
      const env = envOf('../gateway.env');
      expect(env.FABRIC_GATEWAY_MSP_ID).toBe('ITDeptMSP');
      expect(env.FABRIC_REGULATOR_MSP_ID).toBe('RegulatorMSP');
      expect(env.DEPARTMENT_MSP_IDS).toBe('ITDeptMSP,CivicChamberMSP');
      expect(env.FABRIC_PEERS).toBe('ITDeptMSP=127.0.0.1:8050,RegulatorMSP=127.0.0.1:8070');
      expect(env.FABRIC_PEER_HOST_ALIASES).toBe(
        'ITDeptMSP=peer0.itdept.city.veche,RegulatorMSP=peer0.regulator.city.veche',
      );
      const certs = Object.fromEntries(
        env.FABRIC_IDENTITY_CERTS!.split(',').map((pair) => pair.split('=')),
      ) as Record<string, string>;
      expect(Object.keys(certs)).toEqual(['ITDeptMSP', 'CivicChamberMSP', 'RegulatorMSP']);
      // Client identities only: the gateway never acts as an organisation's admin.
      expect(certs.CivicChamberMSP).toMatch(
        /users\/User1@civicchamber\.city\.veche\/msp\/signcerts\//,
      );
      expect(env.FABRIC_IDENTITY_KEYS).not.toContain('Admin@');
      // Every orderer's operations endpoint, for the gateway's BFT quorum check.
      expect(env.FABRIC_ORDERER_HEALTH_URLS).toBe(
        [7052, 7062, 7072, 7082].map((port) => `http://127.0.0.1:${port}/healthz`).join(','),
      );
    });

    it('runs the chaincode servers at WARNING, without the shim’s line per transaction', () => {
      const servers = envFiles('ccaas-');
      expect(servers).toHaveLength(6);
      for (const name of servers) expect(envOf(name).CORE_CHAINCODE_LOGGING_LEVEL).toBe('WARNING');
    });

    it('describes every peer, orderer and identity for clients in network.json', () => {
      const network = JSON.parse(read('network.json')) as {
        channel: string;
        orderers: { address: string }[];
        orgs: { mspId: string; role: string; peer: { address: string; hostAlias: string } }[];
      };
      expect(network.channel).toBe('civic');
      expect(network.orderers.map((o) => o.address)).toEqual([
        '127.0.0.1:7050',
        '127.0.0.1:7060',
        '127.0.0.1:7070',
        '127.0.0.1:7080',
      ]);
      expect(network.orgs.map((o) => [o.mspId, o.role, o.peer.address, o.peer.hostAlias])).toEqual([
        ['ITDeptMSP', 'department', '127.0.0.1:8050', 'peer0.itdept.city.veche'],
        ['CivicChamberMSP', 'department', '127.0.0.1:8060', 'peer0.civicchamber.city.veche'],
        ['RegulatorMSP', 'regulator', '127.0.0.1:8070', 'peer0.regulator.city.veche'],
      ]);
    });

    it('puts orderer admin endpoints behind mutual TLS', () => {
      const env = envOf('orderer2.env');
      expect(env.ORDERER_ADMIN_LISTENADDRESS).toBe('127.0.0.1:7061');
      expect(env.ORDERER_ADMIN_TLS_ENABLED).toBe('true');
      expect(env.ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED).toBe('true');
      expect(env.ORDERER_GENERAL_TLS_ENABLED).toBe('true');
      expect(env.ORDERER_CONSENSUS_WALDIR).toBe(join(dir, 'data/orderer2/wal'));
    });

    it('limits the personal-data collection to exactly the departments', () => {
      const [collection] = JSON.parse(read('chaincode/veche/collections_config.json')) as [
        Collection,
      ];
      expect(collection).toEqual({
        name: 'residentPersonalData',
        policy: "OR('ITDeptMSP.member','CivicChamberMSP.member')",
        requiredPeerCount: 1,
        maxPeerCount: 1,
        blockToLive: 0,
        memberOnlyRead: true,
        memberOnlyWrite: true,
        endorsementPolicy: { signaturePolicy: "AND('ITDeptMSP.peer','CivicChamberMSP.peer')" },
      });
    });

    it('writes the endorsement policy over the department peers', () => {
      expect(read('endorsement-policy.txt')).toBe("AND('ITDeptMSP.peer','CivicChamberMSP.peer')\n");
      const network = execFileSync(
        'bash',
        [
          '-c',
          'set -a; source "$1"; printf %s "$VECHE_ENDORSEMENT_POLICY"',
          'x',
          join(out, 'network.env'),
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      expect(network).toBe("AND('ITDeptMSP.peer','CivicChamberMSP.peer')");
    });

    it('writes the InitConfig argument from the organisations', () => {
      expect(JSON.parse(read('chaincode/veche/init.json'))).toEqual({
        departmentMspIds: ['ITDeptMSP', 'CivicChamberMSP'],
        expectedElectorate: 1000000,
        gatewayMspId: 'ITDeptMSP',
        maxClockSkewSeconds: 60,
        regulatorMspIds: ['RegulatorMSP'],
        timeZone: 'Europe/Moscow',
      });
    });

    it('writes InitConfig’s argument as canonical JSON and pins every veche server to its digest', () => {
      const text = read('chaincode/veche/init.json').trimEnd();
      const config = JSON.parse(text) as Record<string, unknown>;
      const keys = Object.keys(config);
      expect(keys).toEqual([...keys].sort());
      expect(JSON.stringify(config)).toBe(text);
      const digest = createHash('sha256').update(text).digest('hex');
      for (const name of envFiles('ccaas-veche-')) {
        expect(envOf(name).VECHE_CONFIG_SHA256).toBe(digest);
      }
      for (const name of envFiles('ccaas-baseline-')) {
        expect(envOf(name).VECHE_CONFIG_SHA256).toBeUndefined();
      }
    });

    it('sets every peer’s totalQueryLimit from VECHE_TOTAL_QUERY_LIMIT', () => {
      render({ VECHE_TOTAL_QUERY_LIMIT: '250' });
      for (const name of envFiles('peer-')) {
        expect(envOf(name).CORE_LEDGER_STATE_TOTALQUERYLIMIT).toBe('250');
      }
    });

    it('asks cryptogen for NodeOUs, one client per peer org and loopback SANs', () => {
      const spec = yaml.load(read('crypto-config.yaml')) as {
        OrdererOrgs: { Domain: string; EnableNodeOUs: boolean; Specs: { Hostname: string }[] }[];
        PeerOrgs: {
          Name: string;
          Domain: string;
          EnableNodeOUs: boolean;
          Specs: { Hostname: string; SANS: string[] }[];
          Users: { Count: number };
        }[];
      };
      expect(spec.OrdererOrgs[0]!.Specs.map((s) => s.Hostname)).toEqual([
        'orderer1',
        'orderer2',
        'orderer3',
        'orderer4',
      ]);
      expect(spec.OrdererOrgs[0]!.EnableNodeOUs).toBe(true);
      expect(spec.PeerOrgs.map((o) => [o.Name, o.Domain, o.EnableNodeOUs, o.Users.Count])).toEqual([
        ['ITDept', 'itdept.city.veche', true, 1],
        ['CivicChamber', 'civicchamber.city.veche', true, 1],
        ['Regulator', 'regulator.city.veche', true, 1],
      ]);
      expect(spec.PeerOrgs[0]!.Specs).toEqual([
        { Hostname: 'peer0', SANS: ['127.0.0.1', 'localhost'] },
      ]);
    });

    it('leaves the TLS material out of connection.json until cryptogen has run', () => {
      const connection = JSON.parse(read('chaincode/veche/civic/connection.json')) as Record<
        string,
        unknown
      >;
      expect(connection).toEqual({
        address: '127.0.0.1:8063',
        dial_timeout: '10s',
        tls_required: true,
        client_auth_required: true,
      });
    });

    it('skips core.yaml without a Fabric folder', () => {
      expect(existsSync(join(out, 'core.yaml'))).toBe(false);
    });
  });

  it('takes every host and port from the configuration', () => {
    const hosts: Record<string, string> = {
      VECHE_ORDERER1_HOST: '10.0.0.1',
      VECHE_ORDERER2_HOST: '10.0.0.2',
      VECHE_ORDERER3_HOST: '10.0.0.3',
      VECHE_ORDERER4_HOST: 'orderer4.example.org',
      VECHE_ITDEPT_HOST: '10.0.1.1',
      VECHE_CIVIC_HOST: '10.0.1.2',
      VECHE_REGULATOR_HOST: '10.0.1.3',
    };
    render({ ...hosts, VECHE_ORDERER3_PORT: '9170', VECHE_CIVIC_VECHE_CCAAS_PORT: '9263' });

    const third = profile().Orderer.ConsenterMapping[2]!;
    expect([third.Host, third.Port]).toEqual(['10.0.0.3', 9170]);
    expect(profile().Orderer.Organizations[0]!.OrdererEndpoints).toContain('10.0.0.3:9170');
    expect(envOf('orderer3.env').ORDERER_GENERAL_LISTENADDRESS).toBe('10.0.0.3');
    expect(envOf('orderer3.env').ORDERER_GENERAL_LISTENPORT).toBe('9170');
    expect(envOf('peer-civic.env').CORE_PEER_GOSSIP_EXTERNALENDPOINT).toBe('10.0.1.2:8060');
    const connection = JSON.parse(read('chaincode/veche/civic/connection.json')) as {
      address: string;
    };
    expect(connection.address).toBe('10.0.1.2:9263');
    expect(read('crypto-config.yaml')).toContain('"orderer4.example.org"');

    // Loopback names appear only as the extra SANs of the certificates.
    for (const file of allFiles(out)) {
      const lines = read(file).split('\n');
      lines.forEach((line, i) => {
        if (!/127\.0\.0\.1|localhost/.test(line)) return;
        const inSans =
          file === 'crypto-config.yaml' && /^ +- "(127\.0\.0\.1|localhost)"$/.test(line);
        if (!inSans) throw new Error(`${file}:${i + 1} names a loopback host: ${line}`);
      });
    }
  });

  it('follows overridden MSP IDs into policies and collections', () => {
    render({ VECHE_CIVIC_MSP: 'CityCouncilMSP' });
    expect(read('endorsement-policy.txt').trim()).toBe(
      "AND('ITDeptMSP.peer','CityCouncilMSP.peer')",
    );
    const [collection] = JSON.parse(read('chaincode/veche/collections_config.json')) as [
      Collection,
    ];
    expect(collection.policy).toBe("OR('ITDeptMSP.member','CityCouncilMSP.member')");
  });

  it('refuses two processes on one host and port, naming both variables', () => {
    const result = spawnSync('node', [renderer, '--runtime', dir, '--out', out], {
      env: cleanEnv({ VECHE_CIVIC_PORT: '7050' }),
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'render: port collision: 127.0.0.1:7050 is configured for orderer1 listen (VECHE_ORDERER1_PORT) ' +
        'and peer-civic listen (VECHE_CIVIC_PORT)',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('allows one port on two different hosts', () => {
    render({ VECHE_ORDERER3_HOST: '10.0.0.3', VECHE_ORDERER3_PORT: '7050' });
    expect(profile().Orderer.ConsenterMapping.map((c) => `${c.Host}:${c.Port}`)).toContain(
      '10.0.0.3:7050',
    );
  });

  it('takes the chaincode servers’ log level from VECHE_CHAINCODE_LOG_LEVEL, and refuses an unknown one', () => {
    render({ VECHE_CHAINCODE_LOG_LEVEL: 'INFO' });
    for (const name of envFiles('ccaas-')) {
      expect(envOf(name).CORE_CHAINCODE_LOGGING_LEVEL).toBe('INFO');
    }
    const result = spawnSync('node', [renderer, '--runtime', dir, '--out', out], {
      env: cleanEnv({ VECHE_CHAINCODE_LOG_LEVEL: 'chatty' }),
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('VECHE_CHAINCODE_LOG_LEVEL=chatty is not one of');
  });

  it('refuses a port that is not a number', () => {
    const result = spawnSync('node', [renderer, '--runtime', dir, '--out', out], {
      env: cleanEnv({ VECHE_ITDEPT_OPS_PORT: '80a' }),
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('VECHE_ITDEPT_OPS_PORT=80a is not a TCP port');
  });

  it('fills connection.json from the crypto folder once it exists', () => {
    const org = join(dir, 'crypto/peerOrganizations/itdept.city.veche');
    const tls = join(org, 'peers/peer0.itdept.city.veche/tls');
    mkdirSync(join(org, 'tlsca'), { recursive: true });
    mkdirSync(tls, { recursive: true });
    writeFileSync(join(org, 'tlsca/tlsca.itdept.city.veche-cert.pem'), 'ROOT PEM\n');
    writeFileSync(join(tls, 'server.crt'), 'CERT PEM\n');
    writeFileSync(join(tls, 'server.key'), 'KEY PEM\n');
    const output = render();
    const connection = JSON.parse(read('chaincode/veche/itdept/connection.json')) as Record<
      string,
      unknown
    >;
    expect(connection).toMatchObject({
      address: '127.0.0.1:8053',
      root_cert: 'ROOT PEM\n',
      client_cert: 'CERT PEM\n',
      client_key: 'KEY PEM\n',
    });
    // The other organisations have no material in this fake crypto folder: they say so.
    expect(output).toContain('connection.json files have no root_cert/client_cert/client_key');
  });

  it('writes core.yaml from the sample with only externalBuilders replaced', () => {
    const fabric = join(dir, 'fabric');
    mkdirSync(join(fabric, 'sampleconfig'), { recursive: true });
    // A stand-in with the shape of the sample's chaincode section, not Fabric's file.
    const sample = [
      'peer:',
      '    id: jdoe',
      'chaincode:',
      '    node:',
      '        runtime: example',
      '    # builders to try, in order',
      '    externalBuilders:',
      '       - name: ccaas_builder',
      '         path: /opt/hyperledger/ccaas_builder',
      '         propagateEnvironment:',
      '           - CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG',
      '',
      '',
      '    installTimeout: 300s',
      'ledger:',
      '  state:',
      '    stateDatabase: goleveldb',
      '',
    ].join('\n');
    writeFileSync(join(fabric, 'sampleconfig/core.yaml'), sample);
    render({}, ['--fabric', fabric]);
    const core = read('core.yaml');
    expect(core).not.toContain('/opt/hyperledger/ccaas_builder');
    const parsed = yaml.load(core) as {
      peer: { id: string };
      chaincode: { externalBuilders: unknown; installTimeout: string; node: unknown };
      ledger: unknown;
    };
    expect(parsed.chaincode.externalBuilders).toEqual([
      {
        name: 'ccaas_builder',
        path: join(fabric, 'builders/ccaas'),
        propagateEnvironment: ['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG'],
      },
    ]);
    expect(parsed.chaincode.installTimeout).toBe('300s');
    expect(parsed.chaincode.node).toEqual({ runtime: 'example' });
    expect(parsed.ledger).toEqual({ state: { stateDatabase: 'goleveldb' } });
    expect(core.split('\n').length).toBe(sample.split('\n').length);
  });

  it('replaces the older empty-list form of externalBuilders too', () => {
    const fabric = join(dir, 'fabric');
    mkdirSync(join(fabric, 'sampleconfig'), { recursive: true });
    writeFileSync(
      join(fabric, 'sampleconfig/core.yaml'),
      [
        'chaincode:',
        '    externalBuilders: []',
        '        # - path: /path/to/directory',
        '        #   name: descriptive-builder-name',
        '    installTimeout: 300s',
        '',
      ].join('\n'),
    );
    render({}, ['--fabric', fabric]);
    const parsed = yaml.load(read('core.yaml')) as {
      chaincode: { externalBuilders: { path: string }[]; installTimeout: string };
    };
    expect(parsed.chaincode.externalBuilders.map((b) => b.path)).toEqual([
      join(fabric, 'builders/ccaas'),
    ]);
    expect(parsed.chaincode.installTimeout).toBe('300s');
  });
});
