// Fabric's policy evaluation (common/cauthdsl, common/policies): signature sets are reduced to
// distinct identities whose signatures verify, then rules are matched greedily in order, so
// one identity satisfies at most one leaf, exactly as the peer decides.
import { common, msp, peer } from '@hyperledger/fabric-protos';
import type { ChannelConfig } from './config.js';
import { verifySignature, type Identity } from './msp.js';

export interface SignedData {
  identity: Identity | undefined;
  data: Uint8Array;
  signature: Uint8Array;
}

/** SignatureSetToValidIdentities: first valid signature per identity counts, others are dropped. */
export function validIdentities(signed: readonly SignedData[]): Identity[] {
  const seen = new Set<string>();
  const out: Identity[] = [];
  for (const { identity, data, signature } of signed) {
    if (identity === undefined || seen.has(identity.id)) continue;
    if (!verifySignature(identity.key, data, signature)) continue;
    seen.add(identity.id);
    out.push(identity);
  }
  return out;
}

const roles: Record<number, 'member' | 'admin' | 'client' | 'peer' | 'orderer'> = {
  0: 'member',
  1: 'admin',
  2: 'client',
  3: 'peer',
  4: 'orderer',
};

function satisfies(
  config: ChannelConfig,
  identity: Identity,
  principal: msp.MSPPrincipal,
): boolean {
  const classification = principal.getPrincipalClassification();
  if (classification === msp.MSPPrincipal.Classification.ROLE) {
    const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
    const name = roles[role.getRole()];
    return (
      name !== undefined &&
      role.getMspIdentifier() === identity.mspId &&
      config.resolver.hasRole(identity, name)
    );
  }
  if (classification === msp.MSPPrincipal.Classification.IDENTITY) {
    const wanted = config.resolver.resolve(principal.getPrincipal_asU8());
    return (
      wanted !== undefined &&
      wanted.invalid === undefined &&
      identity.invalid === undefined &&
      wanted.mspId === identity.mspId &&
      wanted.der.equals(identity.der)
    );
  }
  // ORGANIZATION_UNIT, ANONYMITY and COMBINED principals are not used on this channel; an
  // unsupported principal is never satisfied, which can only make the verifier stricter.
  return false;
}

type Rule = (identities: readonly Identity[], used: boolean[]) => boolean;

function compile(
  config: ChannelConfig,
  rule: common.SignaturePolicy,
  principals: readonly msp.MSPPrincipal[],
): Rule {
  const nOutOf = rule.getNOutOf();
  if (nOutOf !== undefined) {
    const rules = nOutOf.getRulesList().map((sub) => compile(config, sub, principals));
    const n = nOutOf.getN();
    return (identities, used) => {
      let verified = 0;
      for (const sub of rules) {
        const trial = used.slice();
        if (sub(identities, trial)) {
          verified++;
          trial.forEach((flag, i) => (used[i] = flag));
        }
      }
      return verified >= n;
    };
  }
  const principal = principals[rule.getSignedBy()];
  return (identities, used) => {
    if (principal === undefined) return false;
    for (const [i, identity] of identities.entries()) {
      if (!used[i] && satisfies(config, identity, principal)) {
        used[i] = true;
        return true;
      }
    }
    return false;
  };
}

export function evaluateSignaturePolicy(
  config: ChannelConfig,
  envelope: common.SignaturePolicyEnvelope,
  identities: readonly Identity[],
): boolean {
  const rule = envelope.getRule();
  if (envelope.getVersion() !== 0 || rule === undefined) return false;
  return compile(
    config,
    rule,
    envelope.getIdentitiesList(),
  )(
    identities,
    identities.map(() => false),
  );
}

function evaluatePolicy(
  config: ChannelConfig,
  groupPath: readonly string[],
  policy: common.Policy | undefined,
  identities: readonly Identity[],
): boolean {
  if (policy === undefined) return false;
  if (policy.getType() === common.Policy.PolicyType.SIGNATURE) {
    return evaluateSignaturePolicy(
      config,
      common.SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8()),
      identities,
    );
  }
  if (policy.getType() === common.Policy.PolicyType.IMPLICIT_META) {
    const meta = common.ImplicitMetaPolicy.deserializeBinary(policy.getValue_asU8());
    const children = [...(config.group(groupPath)?.getGroupsMap().keys() ?? [])];
    const threshold =
      meta.getRule() === common.ImplicitMetaPolicy.Rule.ANY
        ? 1
        : meta.getRule() === common.ImplicitMetaPolicy.Rule.ALL
          ? children.length
          : Math.floor(children.length / 2) + 1;
    let satisfied = 0;
    for (const child of children) {
      const childPath = [...groupPath, child];
      const sub = config.group(childPath)?.getPoliciesMap().get(meta.getSubPolicy())?.getPolicy();
      if (evaluatePolicy(config, childPath, sub, identities)) satisfied++;
    }
    return satisfied >= threshold;
  }
  return false;
}

/** Evaluates a channel policy by its path, e.g. /Channel/Orderer/BlockValidation. */
export function evaluatePolicyPath(
  config: ChannelConfig,
  path: string,
  identities: readonly Identity[],
): boolean {
  const parts = path.split('/').filter((part) => part !== '');
  if (parts[0] !== 'Channel' || parts.length < 2) return false;
  const groupPath = parts.slice(1, -1);
  const name = parts[parts.length - 1] ?? '';
  const policy = config.group(groupPath)?.getPoliciesMap().get(name)?.getPolicy();
  return evaluatePolicy(config, groupPath, policy, identities);
}

/** Evaluates a marshalled ApplicationPolicy (a chaincode's or a collection's endorsement policy). */
export function evaluateApplicationPolicy(
  config: ChannelConfig,
  policyBytes: Uint8Array,
  identities: readonly Identity[],
): boolean {
  const policy = peer.ApplicationPolicy.deserializeBinary(policyBytes);
  const signaturePolicy = policy.getSignaturePolicy();
  if (signaturePolicy !== undefined)
    return evaluateSignaturePolicy(config, signaturePolicy, identities);
  const reference = policy.getChannelConfigPolicyReference();
  return reference !== '' && evaluatePolicyPath(config, reference, identities);
}
