import { createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { newNativeP256Signer } from '../../gateway/src/fabric/nativeSigner.js';
import type { NetworkDescription } from './fabricNetwork.js';

// Channel config updates as the network's admins sign them (what configtxlator and `peer channel
// signconfigtx` produce), built with the verifier's own fabric-protos, whose messages it reads.

type Protos = typeof import('../../verifier/node_modules/@hyperledger/fabric-protos/lib/index.js');
export const protos = createRequire(join(process.cwd(), 'verifier/package.json'))(
  '@hyperledger/fabric-protos',
) as Protos;
const { common, msp } = protos;
const { Timestamp } = createRequire(join(process.cwd(), 'verifier/package.json'))(
  'google-protobuf/google/protobuf/timestamp_pb.js',
) as typeof import('google-protobuf/google/protobuf/timestamp_pb.js');

export type ConfigGroup = InstanceType<typeof common.ConfigGroup>;
export type ConfigUpdate = InstanceType<typeof common.ConfigUpdate>;
export type ConfigUpdateEnvelope = InstanceType<typeof common.ConfigUpdateEnvelope>;

export interface Admin {
  readonly mspId: string;
  readonly cert: Buffer;
  readonly sign: (message: Uint8Array) => Promise<Uint8Array>;
}

function admin(mspId: string, certPath: string, keyPath: string): Admin {
  return {
    mspId,
    cert: readFileSync(certPath),
    sign: newNativeP256Signer(createPrivateKey(readFileSync(keyPath))),
  };
}

/** The admin of a department's or the regulator's organisation. */
export function orgAdmin(network: NetworkDescription, mspId: string): Admin {
  const org = network.orgs.find((o) => o.mspId === mspId);
  if (org === undefined) throw new Error(`no org ${mspId}`);
  return admin(mspId, org.admin.cert, org.admin.key);
}

/** The orderer organisation's admin, from the crypto folder beside the network's config. */
export function ordererOrgAdmin(networkConfigPath: string, mspId: string): Admin {
  const msp = join(
    dirname(dirname(networkConfigPath)),
    'crypto/ordererOrganizations/orderer.city.veche/users/Admin@orderer.city.veche/msp',
  );
  return admin(
    mspId,
    join(msp, 'signcerts/Admin@orderer.city.veche-cert.pem'),
    join(msp, 'keystore/priv_sk'),
  );
}

export const cloneGroup = (group: ConfigGroup): ConfigGroup =>
  common.ConfigGroup.deserializeBinary(group.serializeBinary());

/** The group at `path` below /Channel. */
export function groupAt(root: ConfigGroup, path: readonly string[]): ConfigGroup {
  let group = root;
  for (const name of path) {
    const child = group.getGroupsMap().get(name);
    if (child === undefined) throw new Error(`no group ${name}`);
    group = child;
  }
  return group;
}

function stub(version: number): ConfigGroup {
  const group = new common.ConfigGroup();
  group.setVersion(version);
  return group;
}

/**
 * An update of one value of the group at `path` of `root` to `bytes`, `skip` versions up, as
 * configtxlator computes it (the read set pins the groups down to it at their versions), and the
 * config the orderers would make of it.
 */
export function valueUpdate(
  root: ConfigGroup,
  channel: string,
  path: readonly string[],
  name: string,
  bytes: Uint8Array,
  skip = 1,
): { update: ConfigUpdate; proposed: ConfigGroup } {
  const read = stub(root.getVersion());
  const write = stub(root.getVersion());
  let [readAt, writeAt, current] = [read, write, root];
  for (const step of path) {
    current = groupAt(current, [step]);
    const [r, w] = [stub(current.getVersion()), stub(current.getVersion())];
    readAt.getGroupsMap().set(step, r);
    writeAt.getGroupsMap().set(step, w);
    [readAt, writeAt] = [r, w];
  }
  const existing = current.getValuesMap().get(name);
  if (existing === undefined) throw new Error(`no value ${name}`);
  const value = new common.ConfigValue();
  value.setVersion(existing.getVersion() + skip);
  value.setModPolicy(existing.getModPolicy());
  value.setValue(bytes);
  writeAt.getValuesMap().set(name, value);
  const update = new common.ConfigUpdate();
  update.setChannelId(channel);
  update.setReadSet(read);
  update.setWriteSet(write);
  const proposed = cloneGroup(root);
  groupAt(proposed, path).getValuesMap().set(name, value);
  return { update, proposed };
}

/** The serialized SignatureHeader of `signer` with a fresh nonce. */
function signatureHeader(signer: Admin): Uint8Array {
  const creator = new msp.SerializedIdentity();
  creator.setMspid(signer.mspId);
  creator.setIdBytes(signer.cert);
  const header = new common.SignatureHeader();
  header.setCreator(creator.serializeBinary());
  header.setNonce(randomBytes(24));
  return header.serializeBinary();
}

/** The update with each admin's signature (`peer channel signconfigtx`). */
export async function signedUpdate(
  update: ConfigUpdate,
  signers: readonly Admin[],
): Promise<ConfigUpdateEnvelope> {
  const updateBytes = update.serializeBinary();
  const envelope = new common.ConfigUpdateEnvelope();
  envelope.setConfigUpdate(updateBytes);
  for (const signer of signers) {
    const headerBytes = signatureHeader(signer);
    const signature = new common.ConfigSignature();
    signature.setSignatureHeader(headerBytes);
    signature.setSignature(await signer.sign(Buffer.concat([headerBytes, updateBytes])));
    envelope.addSignatures(signature);
  }
  return envelope;
}

/** The CONFIG_UPDATE transaction `submitter` sends the orderers (`peer channel update`). */
export async function updateTransaction(
  channel: string,
  updateEnvelope: ConfigUpdateEnvelope,
  submitter: Admin,
): Promise<InstanceType<typeof common.Envelope>> {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG_UPDATE);
  channelHeader.setChannelId(channel);
  const timestamp = new Timestamp();
  timestamp.fromDate(new Date());
  channelHeader.setTimestamp(timestamp);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader(submitter));
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(updateEnvelope.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(await submitter.sign(payloadBytes));
  return envelope;
}

/** The ConfigEnvelope a config block made of `updateEnvelope` holds, read back from its bytes. */
export async function configEnvelope(
  channel: string,
  sequence: number,
  updateEnvelope: ConfigUpdateEnvelope,
  proposed: ConfigGroup,
  submitter: Admin,
): Promise<InstanceType<typeof common.ConfigEnvelope>> {
  const config = new common.Config();
  config.setSequence(sequence);
  config.setChannelGroup(proposed);
  const envelope = new common.ConfigEnvelope();
  envelope.setConfig(config);
  envelope.setLastUpdate(await updateTransaction(channel, updateEnvelope, submitter));
  return common.ConfigEnvelope.deserializeBinary(envelope.serializeBinary());
}
