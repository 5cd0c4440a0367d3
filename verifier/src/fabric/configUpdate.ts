// Whether a config block's update was authorised, as a peer's configtx validator decides it
// (common/configtx: update.go, configmap.go, validator.go): the update's read set matches the
// config in force, each element it changes moves up exactly one version and is signed to its
// mod_policy in that config, and the block's new config is exactly the old one with the changes
// applied. Orderer signatures alone cannot show this: the city runs every orderer.
import { common } from '@hyperledger/fabric-protos';
import type { ChannelConfig } from './config.js';
import { evaluatePolicyPath, validIdentities, type SignedData } from './policy.js';

type Kind = 'Group' | 'Value' | 'Policy';

/** One element of a config, Fabric's `comparable`: where it sits and what it holds. */
interface Element {
  readonly kind: Kind;
  /** The names of the groups above it, from `Channel`. */
  readonly path: readonly string[];
  readonly key: string;
  readonly version: number;
  readonly modPolicy: string;
  readonly group?: common.ConfigGroup;
  readonly value?: common.ConfigValue;
  readonly policy?: common.ConfigPolicy;
}

type ConfigMap = Map<string, Element>;

/** Fabric's map key, e.g. `[Value] /Channel/Orderer/BatchSize`. */
function mapKey(kind: Kind, path: readonly string[], key: string): string {
  return `[${kind}] /${[...path, key].join('/')}`;
}

function add(map: ConfigMap, element: Element): void {
  map.set(mapKey(element.kind, element.path, element.key), element);
}

/** Flattens a group tree into its elements (configmap.go's mapConfig). */
function mapConfig(group: common.ConfigGroup | undefined): ConfigMap {
  const map: ConfigMap = new Map();
  const walk = (path: string[], key: string, node: common.ConfigGroup): void => {
    const here = [...path, key];
    add(map, {
      kind: 'Group',
      path,
      key,
      version: node.getVersion(),
      modPolicy: node.getModPolicy(),
      group: node,
    });
    for (const [name, child] of node.getGroupsMap().entries()) walk(here, name, child);
    for (const [name, value] of node.getValuesMap().entries()) {
      add(map, {
        kind: 'Value',
        path: here,
        key: name,
        version: value.getVersion(),
        modPolicy: value.getModPolicy(),
        value,
      });
    }
    for (const [name, policy] of node.getPoliciesMap().entries()) {
      add(map, {
        kind: 'Policy',
        path: here,
        key: name,
        version: policy.getVersion(),
        modPolicy: policy.getModPolicy(),
        policy,
      });
    }
  };
  if (group !== undefined) walk([], 'Channel', group);
  return map;
}

/**
 * The absolute path of an element's mod_policy (update.go's policyForItem): a relative one is
 * resolved in the element's group, or for a group in the group itself.
 */
function modPolicyPath(element: Element): string {
  if (element.modPolicy.startsWith('/')) return element.modPolicy;
  const groupPath = element.kind === 'Group' ? [...element.path, element.key] : element.path;
  return `/${[...groupPath, element.modPolicy].join('/')}`;
}

/** The config update's signatures as the policies see them (ConfigUpdateEnvelopeAsSignedData). */
function signedData(config: ChannelConfig, update: common.ConfigUpdateEnvelope): SignedData[] {
  const updateBytes = update.getConfigUpdate_asU8();
  return update.getSignaturesList().map((signature) => {
    const headerBytes = signature.getSignatureHeader_asU8();
    const header = common.SignatureHeader.deserializeBinary(headerBytes);
    return {
      identity: config.resolver.resolve(header.getCreator_asU8()),
      data: Buffer.concat([headerBytes, updateBytes]),
      signature: signature.getSignature_asU8(),
    };
  });
}

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(b);

function sameKeys(a: { keys(): Iterable<string> }, b: { keys(): Iterable<string> }): boolean {
  const left = [...a.keys()].sort();
  const right = [...b.keys()].sort();
  return left.length === right.length && left.every((key, i) => key === right[i]);
}

/**
 * Where the block's config differs from the old config with the changes applied (configmap.go's
 * configMapToConfig, then proto.Equal); undefined when it does not. A changed group's children
 * are those the update names for it; everything else is as it was.
 */
function differenceFromProposal(
  proposed: ConfigMap,
  path: readonly string[],
  key: string,
  actual: common.ConfigGroup,
): string | undefined {
  const where = mapKey('Group', path, key);
  const group = proposed.get(where)?.group;
  if (group === undefined) return `${where} is missing from the proposed config`;
  if (group.getVersion() !== actual.getVersion() || group.getModPolicy() !== actual.getModPolicy())
    return `${where} differs in version or mod_policy`;
  const here = [...path, key];
  if (
    !sameKeys(group.getGroupsMap(), actual.getGroupsMap()) ||
    !sameKeys(group.getValuesMap(), actual.getValuesMap()) ||
    !sameKeys(group.getPoliciesMap(), actual.getPoliciesMap())
  )
    return `${where} has other members`;
  for (const [name, child] of actual.getGroupsMap().entries()) {
    const difference = differenceFromProposal(proposed, here, name, child);
    if (difference !== undefined) return difference;
  }
  for (const [name, value] of actual.getValuesMap().entries()) {
    const expected = proposed.get(mapKey('Value', here, name))?.value;
    if (
      expected === undefined ||
      expected.getVersion() !== value.getVersion() ||
      expected.getModPolicy() !== value.getModPolicy() ||
      !equalBytes(expected.getValue_asU8(), value.getValue_asU8())
    )
      return `${mapKey('Value', here, name)} differs`;
  }
  for (const [name, policy] of actual.getPoliciesMap().entries()) {
    const expected = proposed.get(mapKey('Policy', here, name))?.policy;
    const [want, got] = [expected?.getPolicy(), policy.getPolicy()];
    if (
      expected === undefined ||
      expected.getVersion() !== policy.getVersion() ||
      expected.getModPolicy() !== policy.getModPolicy() ||
      want?.getType() !== got?.getType() ||
      !equalBytes(
        want?.getValue_asU8() ?? new Uint8Array(),
        got?.getValue_asU8() ?? new Uint8Array(),
      )
    )
      return `${mapKey('Policy', here, name)} differs`;
  }
  return undefined;
}

/**
 * Why the config envelope of a block after the genesis block was not an authorised update of
 * `previous` on `channel`; undefined when it was (configtx Validator.Validate, sequence aside).
 */
export function unauthorisedConfigUpdate(
  previous: ChannelConfig,
  channel: string,
  envelope: common.ConfigEnvelope,
): string | undefined {
  const lastUpdate = envelope.getLastUpdate();
  const proposedRoot = envelope.getConfig()?.getChannelGroup();
  if (lastUpdate === undefined || proposedRoot === undefined)
    return 'the config envelope has no last update or no config';
  const payload = common.Payload.deserializeBinary(lastUpdate.getPayload_asU8());
  const header = payload.getHeader();
  const type =
    header === undefined
      ? undefined
      : common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8()).getType();
  if (type !== common.HeaderType.CONFIG_UPDATE) return 'the last update is not a CONFIG_UPDATE';
  const updateEnvelope = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
  const update = common.ConfigUpdate.deserializeBinary(updateEnvelope.getConfigUpdate_asU8());
  if (update.getChannelId() !== channel)
    return `the update is for channel '${update.getChannelId()}', not '${channel}'`;

  const current = mapConfig(previous.root);
  const readSet = mapConfig(update.getReadSet());
  for (const [key, read] of readSet) {
    const existing = current.get(key);
    if (existing === undefined) return `the read set names ${key}, which the config lacks`;
    if (existing.version !== read.version)
      return `the read set wants ${key} at version ${read.version}; it is at ${existing.version}`;
  }
  const delta = [...mapConfig(update.getWriteSet())].filter(
    ([key, written]) => readSet.get(key)?.version !== written.version,
  );
  if (delta.length === 0) return 'the update changes nothing';

  const signers = validIdentities(signedData(previous, updateEnvelope));
  for (const [key, written] of delta) {
    if (written.modPolicy === '') return `${key} has no mod_policy`;
    const existing = current.get(key);
    if (existing === undefined) {
      // New: authorised by the change of the group that now names it.
      if (written.version !== 0) return `${key} is new but at version ${written.version}`;
      continue;
    }
    if (written.version !== existing.version + 1)
      return `${key} goes from version ${existing.version} to ${written.version}`;
    const policy = modPolicyPath(existing);
    if (!evaluatePolicyPath(previous, policy, signers))
      return `the change of ${key} is not signed to its mod_policy ${policy}`;
  }

  const proposed = new Map(current);
  for (const [key, written] of delta) proposed.set(key, written);
  const difference = differenceFromProposal(proposed, [], 'Channel', proposedRoot);
  return difference === undefined
    ? undefined
    : `the block's config is not the update applied: ${difference}`;
}
