import type { Stub } from './ledgerState';

/**
 * Whether the transaction runs as the init of its chaincode version. fabric-contract-api routes
 * Init and Invoke to the same functions and does not tell them apart, so this reads the flag the
 * peer itself acted on: `is_init` of the ChaincodeInput inside the signed proposal. The peer
 * accepts a proposal with that flag exactly once per version of a definition that requires init
 * (`CheckInvocation` in core/chaincode/chaincode_support.go), so it is not the caller's to forge.
 */
export function isInitTransaction(stub: Stub): boolean {
  const bytes = invocationSpecBytes(stub.getSignedProposal());
  if (bytes === null) {
    return false;
  }
  try {
    return isInitInvocation(bytes);
  } catch {
    // The peer parsed these bytes already; if we cannot, do not treat the call as an init.
    return false;
  }
}

/**
 * The serialised ChaincodeInvocationSpec of a signed proposal as fabric-shim 2.5.8 hands it over:
 * `proposal.payload` is a protobuf message with `getInput_asU8()`, although the .d.ts types it as
 * a plain `{ input }`; both shapes are accepted.
 */
export function invocationSpecBytes(signedProposal: unknown): Uint8Array | null {
  const payload = field(field(signedProposal, 'proposal'), 'payload');
  const getter = field(payload, 'getInput_asU8');
  const bytes: unknown =
    typeof getter === 'function'
      ? (getter as () => unknown).call(payload)
      : field(payload, 'input');
  return bytes instanceof Uint8Array ? bytes : null;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

/** Field numbers from fabric-protos peer/chaincode.proto. */
const INVOCATION_SPEC_CHAINCODE_SPEC = 1;
const CHAINCODE_SPEC_INPUT = 3;
const CHAINCODE_INPUT_IS_INIT = 3;

/**
 * `chaincode_spec.input.is_init` of a serialised ChaincodeInvocationSpec. Repeated embedded
 * messages merge and the last scalar wins, as protobuf decoders do.
 */
export function isInitInvocation(invocationSpec: Uint8Array): boolean {
  let isInit = false;
  for (const spec of messageFields(invocationSpec, INVOCATION_SPEC_CHAINCODE_SPEC)) {
    for (const input of messageFields(spec, CHAINCODE_SPEC_INPUT)) {
      for (const f of wireFields(input)) {
        if (f.number === CHAINCODE_INPUT_IS_INIT && f.varint !== null) {
          isInit = f.varint !== 0;
        }
      }
    }
  }
  return isInit;
}

interface WireField {
  readonly number: number;
  /** Set for varint fields. Exact below 2^53, which is all a bool or a length needs. */
  readonly varint: number | null;
  /** Set for length-delimited fields (strings, bytes, embedded messages). */
  readonly bytes: Uint8Array | null;
}

function messageFields(message: Uint8Array, number: number): Uint8Array[] {
  return wireFields(message).flatMap((f) => (f.number === number && f.bytes ? [f.bytes] : []));
}

/** The top-level fields of a protobuf message, in wire order. Throws RangeError on bad input. */
export function wireFields(message: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let pos = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i += 1) {
      const byte = message[pos];
      if (byte === undefined) {
        throw new RangeError('truncated varint');
      }
      pos += 1;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        return value;
      }
      scale *= 128;
    }
    throw new RangeError('varint longer than 10 bytes');
  };
  const take = (length: number): Uint8Array => {
    if (pos + length > message.length) {
      throw new RangeError('truncated field');
    }
    const bytes = message.subarray(pos, pos + length);
    pos += length;
    return bytes;
  };
  while (pos < message.length) {
    const key = varint();
    const number = Math.floor(key / 8);
    const wireType = key % 8;
    if (number === 0) {
      throw new RangeError('field number 0');
    }
    switch (wireType) {
      case 0:
        fields.push({ number, varint: varint(), bytes: null });
        break;
      case 1:
        take(8);
        break;
      case 2:
        fields.push({ number, varint: null, bytes: take(varint()) });
        break;
      case 5:
        take(4);
        break;
      default:
        throw new RangeError(`unsupported wire type ${wireType}`);
    }
  }
  return fields;
}
