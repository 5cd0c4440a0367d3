// The channel configuration in force at a block: what the orderer-signature, identity and
// policy checks need from a config block (consenters, MSPs, policies, the V3_0 capability).
import { common, msp } from '@hyperledger/fabric-protos';
import { IdentityResolver, mspFromConfig, type Identity, type MspDefinition } from './msp.js';

export interface Consenter {
  id: number;
  mspId: string;
  /** The consenter's signing certificate (PEM). */
  identity: Uint8Array;
}

export class ChannelConfig {
  readonly resolver: IdentityResolver;
  private readonly consenterIdentities = new Map<number, Identity | undefined>();

  constructor(
    readonly blockNumber: number,
    readonly sequence: number,
    readonly root: common.ConfigGroup,
    /** Channel capability V3_0: orderer signatures carry IdentifierHeaders (BFT style). */
    readonly bft: boolean,
    readonly consenters: ReadonlyMap<number, Consenter>,
    msps: ReadonlyMap<string, MspDefinition>,
    /** Application organisation name -> MSP ID. */
    readonly applicationOrgs: ReadonlyMap<string, string>,
  ) {
    this.resolver = new IdentityResolver(msps);
  }

  /** The identity of consenter `id`, as BlockSignatureVerifier builds it from the config. */
  consenterIdentity(id: number): Identity | undefined {
    if (!this.consenterIdentities.has(id)) {
      const consenter = this.consenters.get(id);
      this.consenterIdentities.set(
        id,
        consenter && this.resolver.fromCertificate(consenter.mspId, consenter.identity),
      );
    }
    return this.consenterIdentities.get(id);
  }

  /** The group at a path such as ['Application', 'ITDept'] below /Channel. */
  group(path: readonly string[]): common.ConfigGroup | undefined {
    let group: common.ConfigGroup | undefined = this.root;
    for (const name of path) group = group?.getGroupsMap().get(name);
    return group;
  }
}

function capabilities(group: common.ConfigGroup | undefined): Set<string> {
  const value = group?.getValuesMap().get('Capabilities');
  if (value === undefined) return new Set();
  return new Set(
    common.Capabilities.deserializeBinary(value.getValue_asU8()).getCapabilitiesMap().keys(),
  );
}

function collectMsps(
  group: common.ConfigGroup | undefined,
  into: Map<string, MspDefinition>,
): void {
  if (group === undefined) return;
  for (const [, org] of group.getGroupsMap().entries()) {
    const value = org.getValuesMap().get('MSP');
    if (value === undefined) continue;
    const config = fabricMspConfig(value.getValue_asU8());
    if (config === undefined) continue;
    const definition = mspFromConfig(config);
    into.set(definition.mspId, definition);
  }
}

/** The FabricMSPConfig bytes of an msp.MSPConfig; type 0 is a Fabric (X.509) MSP. */
function fabricMspConfig(bytes: Uint8Array): Uint8Array | undefined {
  const config = msp.MSPConfig.deserializeBinary(bytes);
  return config.getType() === 0 ? config.getConfig_asU8() : undefined;
}

/** Reads a config block's ConfigEnvelope (the block's only envelope's payload data). */
export function configFromEnvelope(blockNumber: number, payloadData: Uint8Array): ChannelConfig {
  const envelope = common.ConfigEnvelope.deserializeBinary(payloadData);
  const config = envelope.getConfig();
  const root = config?.getChannelGroup();
  if (config === undefined || root === undefined) throw new Error('config without channel group');
  const orderer = root.getGroupsMap().get('Orderer');
  const application = root.getGroupsMap().get('Application');
  const consenters = new Map<number, Consenter>();
  const orderers = orderer?.getValuesMap().get('Orderers');
  if (orderers !== undefined) {
    for (const consenter of common.Orderers.deserializeBinary(
      orderers.getValue_asU8(),
    ).getConsenterMappingList()) {
      consenters.set(consenter.getId(), {
        id: consenter.getId(),
        mspId: consenter.getMspId(),
        identity: consenter.getIdentity_asU8(),
      });
    }
  }
  const msps = new Map<string, MspDefinition>();
  collectMsps(orderer, msps);
  collectMsps(application, msps);
  const applicationOrgs = new Map<string, string>();
  for (const [name, org] of application?.getGroupsMap().entries() ?? []) {
    const value = org.getValuesMap().get('MSP');
    const bytes = value && fabricMspConfig(value.getValue_asU8());
    if (bytes !== undefined) applicationOrgs.set(name, mspFromConfig(bytes).mspId);
  }
  return new ChannelConfig(
    blockNumber,
    config.getSequence(),
    root,
    capabilities(root).has('V3_0'),
    consenters,
    msps,
    applicationOrgs,
  );
}
