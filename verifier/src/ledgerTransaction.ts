// The contract between the Fabric-level pipeline (blocks, signatures, policies, MVCC replay)
// and the checkers that read transactions above it, such as the Veche sink in ./veche/.
// The pipeline decodes every transaction of every block in ledger order, re-derives its
// validation flag itself and hands it to each registered sink; sinks never see raw blocks.
// Keep this file stable: other modules are written against it.

/** A problem a checker found; blockNumber (and txId when it is about one transaction) locate it. */
export interface Finding {
  check: string;
  blockNumber: number;
  txId?: string;
  message: string;
}

export interface KeyRead {
  key: string;
  /** Absent when the transaction read a key that did not exist. */
  version?: { blockNumber: number; txNumber: number };
}

export interface KeyWrite {
  key: string;
  isDelete: boolean;
  value: Uint8Array;
}

export interface NamespaceRwSet {
  namespace: string;
  reads: KeyRead[];
  writes: KeyWrite[];
}

/** One endorser transaction as the verifier sees it after its own checks. */
export interface VerifiedTransaction {
  blockNumber: number;
  txIndex: number;
  txId: string;
  /** The client-set channel header timestamp: not trusted time. */
  timestamp: Date;
  creatorMsp: string;
  /** The verifier's own re-derived flag (signatures, policy, duplicate txId, MVCC). */
  valid: boolean;
  /** The storing peer's TRANSACTIONS_FILTER byte (peer.TxValidationCode; 0 = VALID). */
  storedFlag: number;
  namespaces: NamespaceRwSet[];
  chaincodeEvent?: { chaincodeId: string; eventName: string; payload: Uint8Array };
  /** The chaincode invocation of the proposal: the chaincode name and its raw args (args[0] is the function). */
  invocation?: { chaincode: string; args: Uint8Array[] };
}

/**
 * A consumer of verified transactions. The pipeline calls onTransaction for every endorser
 * transaction (valid or not) in ledger order, then finish once after the last block.
 */
export interface TransactionSink {
  onTransaction(tx: VerifiedTransaction): void;
  finish(): Finding[];
}
