import {
  invocationSpecBytes,
  isInitInvocation,
  isInitTransaction,
  wireFields,
} from '../../../../chaincode/src/ledger/proposal';
import type { Stub } from '../../../../chaincode/src/ledger/ledgerState';

// ChaincodeInvocationSpec bytes serialised by @hyperledger/fabric-protos (the classes the shim
// and the peer CLI use): type NODE, chaincode_id "veche", args ["config:InitConfig", "{}"],
// decorations {k: "v"}, and is_init true or left at false (proto3 then omits the field).
const INIT_SPEC = Buffer.from(
  '0a2e08021207120576656368651a210a11636f6e6669673a496e6974436f6e6669670a027b7d12060a016b1201761801',
  'hex',
);
const INVOKE_SPEC = Buffer.from(
  '0a2c08021207120576656368651a1f0a11636f6e6669673a496e6974436f6e6669670a027b7d12060a016b120176',
  'hex',
);

describe('isInitInvocation', () => {
  it('reads chaincode_spec.input.is_init as fabric-protos writes it', () => {
    expect(isInitInvocation(INIT_SPEC)).toBe(true);
    expect(isInitInvocation(INVOKE_SPEC)).toBe(false);
  });

  it('is false for an empty spec', () => {
    expect(isInitInvocation(new Uint8Array())).toBe(false);
  });

  it('lets the last is_init win, as protobuf merging does', () => {
    // ChaincodeInput {is_init: true, is_init: false} inside ChaincodeSpec inside the spec.
    const input = [0x18, 0x01, 0x18, 0x00];
    const spec = [0x1a, input.length, ...input];
    expect(isInitInvocation(Uint8Array.from([0x0a, spec.length, ...spec]))).toBe(false);
  });

  it('ignores an is_init outside ChaincodeSpec.input', () => {
    // A varint where ChaincodeSpec.input (field 3) should be a message: not an is_init.
    const spec = [0x18, 0x01];
    expect(isInitInvocation(Uint8Array.from([0x0a, spec.length, ...spec]))).toBe(false);
  });

  it('refuses truncated input', () => {
    expect(() => isInitInvocation(INIT_SPEC.subarray(0, 20))).toThrow(RangeError);
  });
});

describe('wireFields', () => {
  it('skips fixed-width fields and reads multi-byte varints', () => {
    const bytes = Uint8Array.from([
      0x09,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8, // field 1, fixed64
      0x15,
      1,
      2,
      3,
      4, // field 2, fixed32
      0x18,
      0xac,
      0x02, // field 3, varint 300
    ]);
    expect(wireFields(bytes)).toEqual([{ number: 3, varint: 300, bytes: null }]);
  });
});

describe('invocationSpecBytes', () => {
  it('reads the protobuf message fabric-shim 2.5.8 puts in proposal.payload', () => {
    const payload = { getInput_asU8: () => INIT_SPEC };
    expect(invocationSpecBytes({ proposal: { payload } })).toBe(INIT_SPEC);
  });

  it('also reads the plain shape the .d.ts describes', () => {
    expect(invocationSpecBytes({ proposal: { payload: { input: INVOKE_SPEC } } })).toBe(
      INVOKE_SPEC,
    );
  });

  it('is null when there is no proposal', () => {
    expect(invocationSpecBytes(undefined)).toBeNull();
    expect(invocationSpecBytes({ proposal: {} })).toBeNull();
  });
});

describe('isInitTransaction', () => {
  const stubWith = (signedProposal: unknown): Stub =>
    ({ getSignedProposal: () => signedProposal }) as unknown as Stub;

  it('is true only for a proposal flagged as the init', () => {
    const flagged = { proposal: { payload: { getInput_asU8: () => INIT_SPEC } } };
    const plain = { proposal: { payload: { getInput_asU8: () => INVOKE_SPEC } } };
    expect(isInitTransaction(stubWith(flagged))).toBe(true);
    expect(isInitTransaction(stubWith(plain))).toBe(false);
  });

  it('is false, not an error, for a proposal it cannot read', () => {
    const broken = { proposal: { payload: { input: Uint8Array.from([0x0a, 0x05, 0x1a]) } } };
    expect(isInitTransaction(stubWith(broken))).toBe(false);
    expect(isInitTransaction(stubWith(undefined))).toBe(false);
  });
});
