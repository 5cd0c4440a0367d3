import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'fabric-contract-api';
import { callerOf, organizationalUnits } from '../../../../chaincode/src/identity/caller';

describe('organizationalUnits', () => {
  it('reads the OUs of a cryptogen client subject', () => {
    const subject = 'C=US\nST=California\nL=San Francisco\nOU=client\nCN=User1@itdept.veche';
    expect(organizationalUnits(subject)).toEqual(['client']);
  });

  it('reads several OUs, including a multi-valued RDN as Fabric CA writes them', () => {
    expect(organizationalUnits('C=US\nOU=client + OU=itdept + OU=department1\nCN=gateway')).toEqual(
      ['client', 'itdept', 'department1'],
    );
  });

  it('gives nothing for a subject without OU', () => {
    expect(organizationalUnits('C=US\nCN=peer0')).toEqual([]);
  });
});

/** A self-signed certificate (PEM) whose subject carries the OU given, made by openssl. */
function certificateWithOu(ou: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'veche-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        `/C=US/OU=${ou}/CN=test-${ou}`,
      ],
      { stdio: 'ignore' },
    );
    return readFileSync(join(dir, 'cert.pem'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function contextOf(mspId: string, idBytes: Uint8Array): Context {
  return {
    clientIdentity: { getMSPID: () => mspId, getIDBytes: () => idBytes },
  } as unknown as Context;
}

describe('callerOf', () => {
  const client = certificateWithOu('client');
  const admin = certificateWithOu('admin');

  it('reads the role of each certificate, also when it has seen it before', () => {
    for (let i = 0; i < 3; i++) {
      expect(callerOf(contextOf('ITDeptMSP', client))).toEqual({
        mspId: 'ITDeptMSP',
        role: 'client',
      });
      expect(callerOf(contextOf('CivicChamberMSP', admin))).toEqual({
        mspId: 'CivicChamberMSP',
        role: 'admin',
      });
    }
  });

  it('refuses bytes that are not a certificate, every time', () => {
    const junk = Buffer.from('not a certificate');
    for (let i = 0; i < 2; i++) {
      expect(() => callerOf(contextOf('ITDeptMSP', junk))).toThrow(/X\.509/);
    }
  });
});
