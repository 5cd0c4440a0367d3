import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = join(process.cwd(), 'scripts/veche.sh');

// npm start hands the gateway the ledger settings that network.sh rendered into gateway.env;
// an operator's explicit setting wins, even an empty one.
describe('veche.sh ledger-env', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'veche-ledger-env-'));
    mkdirSync(join(dir, 'network', 'config'), { recursive: true });
    writeFileSync(
      join(dir, 'network', 'config', 'gateway.env'),
      [
        "FABRIC_CHANNEL='civic'",
        "FABRIC_PEERS='ITDeptMSP=127.0.0.1:8050,RegulatorMSP=127.0.0.1:8070'",
        "FABRIC_TLS_CA_FILES='ITDeptMSP=/ca/it.pem,RegulatorMSP=/ca/reg.pem'",
        "DEPARTMENT_MSP_IDS='ITDeptMSP,CivicChamberMSP'",
        '',
      ].join('\n'),
    );
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function ledgerEnv(explicit: Record<string, string>): Record<string, string> {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (!/^(FABRIC_|DEPARTMENT_MSP_IDS$|VECHE_NETWORK_DIR$)/.test(name)) env[name] = value;
    }
    const result = spawnSync('bash', [script, 'ledger-env'], {
      encoding: 'utf8',
      env: { ...env, VECHE_RUNTIME_DIR: dir, ...explicit },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return Object.fromEntries(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  }

  it('gives every setting of the network folder’s gateway.env', () => {
    expect(ledgerEnv({})).toEqual({
      FABRIC_CHANNEL: 'civic',
      FABRIC_PEERS: 'ITDeptMSP=127.0.0.1:8050,RegulatorMSP=127.0.0.1:8070',
      FABRIC_TLS_CA_FILES: 'ITDeptMSP=/ca/it.pem,RegulatorMSP=/ca/reg.pem',
      DEPARTMENT_MSP_IDS: 'ITDeptMSP,CivicChamberMSP',
    });
  });

  it('keeps what the operator set explicitly, an empty value too', () => {
    expect(
      ledgerEnv({
        FABRIC_PEERS: 'ITDeptMSP=peer.city:7051,RegulatorMSP=reg.city:7051',
        FABRIC_TLS_CA_FILES: '',
      }),
    ).toMatchObject({
      FABRIC_CHANNEL: 'civic',
      FABRIC_PEERS: 'ITDeptMSP=peer.city:7051,RegulatorMSP=reg.city:7051',
      FABRIC_TLS_CA_FILES: '',
    });
  });

  it('reads the network folder named by VECHE_NETWORK_DIR', () => {
    const other = join(dir, 'elsewhere');
    mkdirSync(join(other, 'config'), { recursive: true });
    writeFileSync(join(other, 'config', 'gateway.env'), "FABRIC_CHANNEL='other'\n");
    expect(ledgerEnv({ VECHE_NETWORK_DIR: other })).toEqual({ FABRIC_CHANNEL: 'other' });
  });
});
