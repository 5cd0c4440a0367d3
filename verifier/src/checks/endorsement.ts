// Endorsements against the endorsement policies the peer's v20 validator applies
// (plugindispatcher + statebased policyCheckerV20): for the invoked chaincode and every
// namespace the transaction writes, the chaincode definition committed before this block
// (replayed from _lifecycle writes), its collection policies, or the org's Endorsement
// policy for implicit collections; _lifecycle itself uses LifecycleEndorsement.
import { peer } from '@hyperledger/fabric-protos';
import type { ChannelConfig } from '../fabric/config.js';
import type { Identity } from '../fabric/msp.js';
import {
  evaluateApplicationPolicy,
  evaluatePolicyPath,
  validIdentities,
} from '../fabric/policy.js';
import { Code, type EndorserTx, type NamespaceDetail } from '../fabric/transaction.js';
import type { WorldState } from '../fabric/worldState.js';
import type { Verdict } from './creator.js';

const LIFECYCLE = '_lifecycle';
const IMPLICIT_PREFIX = '_implicit_org_';

type Policy = (identities: readonly Identity[]) => boolean;

function lifecycleField(
  state: WorldState,
  chaincode: string,
  field: string,
): Uint8Array | undefined {
  const entry = state.get(LIFECYCLE, `namespaces/fields/${chaincode}/${field}`);
  return entry?.value && peer.lifecycle.StateData.deserializeBinary(entry.value).getBytes_asU8();
}

function chaincodePolicy(
  config: ChannelConfig,
  state: WorldState,
  chaincode: string,
): Policy | undefined {
  if (chaincode === LIFECYCLE)
    return (ids) => evaluatePolicyPath(config, '/Channel/Application/LifecycleEndorsement', ids);
  if (state.get(LIFECYCLE, `namespaces/metadata/${chaincode}`)?.value === undefined)
    return undefined;
  const info = lifecycleField(state, chaincode, 'ValidationInfo');
  if (info === undefined) return undefined;
  const parameter =
    peer.lifecycle.ChaincodeValidationInfo.deserializeBinary(info).getValidationParameter_asU8();
  return (ids) => evaluateApplicationPolicy(config, parameter, ids);
}

/** CollectionValidationInfo: undefined means "use the chaincode policy", null "no such collection". */
function collectionPolicy(
  config: ChannelConfig,
  state: WorldState,
  chaincode: string,
  collection: string,
): Policy | undefined | null {
  if (collection.startsWith(IMPLICIT_PREFIX)) {
    const mspId = collection.slice(IMPLICIT_PREFIX.length);
    const org = [...config.applicationOrgs].find(([, id]) => id === mspId)?.[0];
    if (org === undefined) return null;
    const path = `/Channel/Application/${org}/Endorsement`;
    if (config.group(['Application', org])?.getPoliciesMap().has('Endorsement'))
      return (ids) => evaluatePolicyPath(config, path, ids);
    return (ids) => ids.some((id) => id.mspId === mspId && id.invalid === undefined);
  }
  const bytes = lifecycleField(state, chaincode, 'Collections');
  if (bytes === undefined) return null;
  const found = peer.CollectionConfigPackage.deserializeBinary(bytes)
    .getConfigList()
    .map((entry) => entry.getStaticCollectionConfig())
    .find((entry) => entry?.getName() === collection);
  if (found === undefined) return null;
  const policy = found.getEndorsementPolicy();
  if (policy === undefined) return undefined;
  const policyBytes = policy.serializeBinary();
  return (ids) => evaluateApplicationPolicy(config, policyBytes, ids);
}

const writesSomething = (ns: NamespaceDetail): boolean =>
  ns.writes.length > 0 ||
  ns.metadataWrites > 0 ||
  ns.collections.some((collection) => collection.writes.length > 0);

export function checkEndorsements(
  tx: EndorserTx,
  config: ChannelConfig,
  state: WorldState,
): Verdict | undefined {
  const invoked = tx.headerChaincode;
  if (invoked !== tx.actionChaincode.name || tx.actionChaincode.version === '')
    return { code: Code.INVALID_CHAINCODE, reason: 'header and action name different chaincodes' };
  if (tx.event !== undefined && tx.event.chaincodeId !== invoked)
    return { code: Code.INVALID_OTHER_REASON, reason: 'event of another chaincode' };
  const seen = new Set<string>();
  for (const ns of tx.namespaces) {
    if (seen.has(ns.namespace))
      return { code: Code.ILLEGAL_WRITESET, reason: `namespace ${ns.namespace} twice` };
    seen.add(ns.namespace);
  }
  const identities = validIdentities(
    tx.endorsements.map(({ endorser, signature }) => ({
      identity: config.resolver.resolve(endorser),
      data: Buffer.concat([tx.proposalResponsePayload, endorser]),
      signature,
    })),
  );
  const toCheck = new Set<string>([invoked]);
  for (const ns of tx.namespaces) if (writesSomething(ns)) toCheck.add(ns.namespace);
  for (const namespace of toCheck) {
    const ccPolicy = chaincodePolicy(config, state, namespace);
    if (ccPolicy === undefined)
      return { code: Code.INVALID_CHAINCODE, reason: `no definition of ${namespace}` };
    const fail = {
      code: Code.ENDORSEMENT_POLICY_FAILURE,
      reason: `endorsement policy of ${namespace} not satisfied`,
    };
    const ns = tx.namespaces.find((candidate) => candidate.namespace === namespace);
    let checked = false;
    let ccChecked = false;
    const checkCc = () => {
      if (ccChecked) return true;
      ccChecked = checked = true;
      return ccPolicy(identities);
    };
    // Key-level (SBE) validation parameters are not used by these chaincodes; metadata writes
    // are held to the chaincode policy, which is what applies when no key-level policy is set.
    if (ns !== undefined && (ns.writes.length > 0 || ns.metadataWrites > 0) && !checkCc())
      return fail;
    for (const collection of ns?.collections ?? []) {
      if (collection.writes.length === 0) continue;
      const policy = collectionPolicy(config, state, namespace, collection.collection);
      if (policy === null)
        return {
          code: Code.ENDORSEMENT_POLICY_FAILURE,
          reason: `no collection ${collection.collection}`,
        };
      if (policy === undefined) {
        if (!checkCc()) return fail;
      } else {
        checked = true;
        if (!policy(identities)) return fail;
      }
    }
    if (!checked && !checkCc()) return fail;
  }
  return undefined;
}
