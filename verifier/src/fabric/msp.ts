// MSP identities as Fabric's MSP (MSPv3_0) sees them at commit time: a certificate that chains
// to one of the MSP's roots, is no CA, and (NodeOUs enabled) carries exactly one role OU.
// Expiry is deliberately not enforced: Fabric validates at the leaf's NotBefore + 1 s, so an
// old transaction stays valid after its certificate expires.
import { verify as cryptoVerify, X509Certificate, type KeyObject } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import { bigIntBytes, parseEcdsaSignature, sha256 } from './der.js';

export type Role = 'client' | 'peer' | 'admin' | 'orderer';

export interface MspDefinition {
  mspId: string;
  roots: X509Certificate[];
  intermediates: X509Certificate[];
  /** DER of the explicitly listed admin certificates. */
  admins: Buffer[];
  /** The OU names of the NodeOU roles, when NodeOUs are enabled. */
  nodeOus?: Partial<Record<Role, string>>;
}

export interface Identity {
  mspId: string;
  /** mspId + SHA-256 of the certificate: what Fabric de-duplicates signers by. */
  id: string;
  der: Buffer;
  key: KeyObject;
  ous: string[];
  /** Why the MSP refuses it; undefined when it validates. */
  invalid?: string;
}

function pemCertificates(pems: Uint8Array[]): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const pem of pems) {
    const text = Buffer.from(pem).toString('utf8');
    for (const block of text.match(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
    ) ?? [])
      out.push(new X509Certificate(block));
  }
  return out;
}

/** An MSP definition from the channel config's FabricMSPConfig bytes. */
export function mspFromConfig(configBytes: Uint8Array): MspDefinition {
  const config = msp.FabricMSPConfig.deserializeBinary(configBytes);
  const nodeOus = config.getFabricNodeOus();
  const definition: MspDefinition = {
    mspId: config.getName(),
    roots: pemCertificates(config.getRootCertsList_asU8()),
    intermediates: pemCertificates(config.getIntermediateCertsList_asU8()),
    admins: pemCertificates(config.getAdminsList_asU8()).map((cert) => cert.raw),
  };
  if (nodeOus?.getEnable()) {
    definition.nodeOus = {
      client: nodeOus.getClientOuIdentifier()?.getOrganizationalUnitIdentifier(),
      peer: nodeOus.getPeerOuIdentifier()?.getOrganizationalUnitIdentifier(),
      admin: nodeOus.getAdminOuIdentifier()?.getOrganizationalUnitIdentifier(),
      orderer: nodeOus.getOrdererOuIdentifier()?.getOrganizationalUnitIdentifier(),
    };
  }
  return definition;
}

function organizationalUnits(cert: X509Certificate): string[] {
  return cert.subject
    .split('\n')
    .filter((line) => line.startsWith('OU='))
    .map((line) => line.slice(3));
}

function validAt(cert: X509Certificate, time: number): boolean {
  return Date.parse(cert.validFrom) <= time && time <= Date.parse(cert.validTo);
}

/** Why `cert` does not validate under `definition`, or undefined. */
export function validateCertificate(
  definition: MspDefinition,
  cert: X509Certificate,
): string | undefined {
  if (cert.ca) return 'a CA certificate cannot be an identity';
  const at = Date.parse(cert.validFrom) + 1000;
  const issuers = [...definition.intermediates, ...definition.roots];
  let current = cert;
  for (let depth = 0; depth < 8; depth++) {
    if (!validAt(current, at)) return 'certificate chain not valid at the leaf’s NotBefore';
    if (definition.roots.some((root) => root.raw.equals(current.raw))) break;
    const issuer = issuers.find(
      (candidate) =>
        candidate.ca && current.checkIssued(candidate) && current.verify(candidate.publicKey),
    );
    if (issuer === undefined) return `no chain to a root of ${definition.mspId}`;
    current = issuer;
    if (definition.roots.some((root) => root.raw.equals(current.raw))) {
      if (!validAt(current, at)) return 'root not valid at the leaf’s NotBefore';
      break;
    }
  }
  if (definition.nodeOus !== undefined) {
    const ous = organizationalUnits(cert);
    const roles = Object.values(definition.nodeOus).filter((ou) => ous.includes(ou));
    if (roles.length !== 1) return `expected exactly one NodeOU role, found ${roles.length}`;
  }
  return undefined;
}

/** Resolves serialized identities against the MSPs of the config in force, with a cache. */
export class IdentityResolver {
  private readonly cache = new Map<string, Identity | undefined>();

  constructor(readonly msps: ReadonlyMap<string, MspDefinition>) {}

  resolve(serialized: Uint8Array): Identity | undefined {
    const cacheKey = Buffer.from(serialized).toString('latin1');
    if (this.cache.has(cacheKey)) return this.cache.get(cacheKey);
    let identity: Identity | undefined;
    try {
      const parsed = msp.SerializedIdentity.deserializeBinary(serialized);
      identity = this.fromCertificate(parsed.getMspid(), parsed.getIdBytes_asU8());
    } catch {
      identity = undefined;
    }
    this.cache.set(cacheKey, identity);
    return identity;
  }

  fromCertificate(mspId: string, pem: Uint8Array): Identity | undefined {
    const definition = this.msps.get(mspId);
    const [cert] = pemCertificates([pem]);
    if (definition === undefined || cert === undefined) return undefined;
    const invalid = validateCertificate(definition, cert);
    return {
      mspId,
      id: `${mspId}:${sha256(cert.raw).toString('hex')}`,
      der: cert.raw,
      key: cert.publicKey,
      ous: organizationalUnits(cert),
      ...(invalid === undefined ? {} : { invalid }),
    };
  }

  hasRole(identity: Identity, role: Role | 'member'): boolean {
    if (identity.invalid !== undefined) return false;
    if (role === 'member') return true;
    const definition = this.msps.get(identity.mspId);
    if (definition === undefined) return false;
    if (role === 'admin' && definition.admins.some((admin) => admin.equals(identity.der)))
      return true;
    const ou = definition.nodeOus?.[role];
    return ou !== undefined && identity.ous.includes(ou);
  }
}

const curveOrders: Record<string, { n: bigint; size: number }> = {
  prime256v1: { n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n, size: 32 },
  secp384r1: {
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    size: 48,
  },
};

/**
 * Fabric's signature check: SHA-256 digest, DER (r, s) with trailing bytes ignored, s at most
 * n/2 (low-S, which Node alone would not require), Ed25519 over the message itself.
 */
export function verifySignature(key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (key.asymmetricKeyType === 'ed25519') return cryptoVerify(null, data, key, signature);
    if (key.asymmetricKeyType !== 'ec') return false;
    const curve = curveOrders[key.asymmetricKeyDetails?.namedCurve ?? ''];
    const parsed = parseEcdsaSignature(signature);
    if (curve === undefined || parsed === undefined) return false;
    const { r, s } = parsed;
    if (r <= 0n || s <= 0n || r >= curve.n || s > curve.n >> 1n) return false;
    const raw = Buffer.concat([bigIntBytes(r, curve.size), bigIntBytes(s, curve.size)]);
    return cryptoVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, raw);
  } catch {
    return false;
  }
}
