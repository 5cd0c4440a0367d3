// Reads every block of a source in order and runs the checks; trusts nothing it reads. Each
// block is checked with the config in force before it, then its own config (if any) applies.
import { common } from '@hyperledger/fabric-protos';
import type { Finding, TransactionSink, VerifiedTransaction } from './ledgerTransaction.js';
import { COMMIT_HASH, parseBlock, TRANSACTIONS_FILTER, type RawBlock } from './fabric/block.js';
import { configFromEnvelope, type ChannelConfig } from './fabric/config.js';
import { unauthorisedConfigUpdate } from './fabric/configUpdate.js';
import { Code, decodeEnvelope, type DecodedTx, type EndorserTx } from './fabric/transaction.js';
import { BlockUpdates, WorldState } from './fabric/worldState.js';
import { checkCommitHash } from './checks/commitHash.js';
import { checkHashChain } from './checks/hashChain.js';
import { checkOrdererSignatures } from './checks/ordererSignatures.js';
import { checkCreator, type Verdict } from './checks/creator.js';
import { checkEndorsements } from './checks/endorsement.js';
import { applyWrites, checkMvcc } from './checks/mvcc.js';
import { checkFlags } from './checks/validationFlags.js';
import type { BlockSource } from './sources/blockSource.js';

export type CheckLevel = 'hash-chain' | 'all';

export interface VerifyOptions {
  source: BlockSource;
  sinks?: TransactionSink[];
  /** 'hash-chain' checks only headers and data hashes (a baseline for the benchmark). */
  level?: CheckLevel;
  /** Expected SHA-256 of block 0's header (hex), obtained out of band. */
  anchor?: string;
  /** Stop after this many blocks (default: the source's height). */
  height?: number;
  onBlock?(n: number, bytes: Uint8Array): void | Promise<void>;
  onProgress?(done: number, height: number): void;
}

export interface VerifyResult {
  source: string;
  height: number;
  blocksVerified: number;
  transactions: number;
  validTransactions: number;
  configBlocks: number[];
  genesisHash?: string;
  anchorChecked: boolean;
  findings: Finding[];
}

interface Progress {
  config?: ChannelConfig;
  lastConfigBlock: number;
  previousHeaderHash?: Buffer;
  /** The COMMIT_HASH the previous block stored, if it had one. */
  previousCommitHash?: Uint8Array;
  state: WorldState;
  txIds: Set<string>;
}

function isConfigBlock(decoded: DecodedTx[]): boolean {
  return decoded.length === 1 && decoded[0]?.kind === 'config';
}

export async function verifyLedger(options: VerifyOptions): Promise<VerifyResult> {
  const { source, sinks = [], level = 'all' } = options;
  const height = options.height ?? (await source.height());
  const result: VerifyResult = {
    source: source.description,
    height,
    blocksVerified: 0,
    transactions: 0,
    validTransactions: 0,
    configBlocks: [],
    anchorChecked: false,
    findings: [],
  };
  const progress: Progress = { lastConfigBlock: 0, state: new WorldState(), txIds: new Set() };
  for (let n = 0; n < height; n++) {
    const bytes = await source.block(n);
    await options.onBlock?.(n, bytes);
    let block: RawBlock;
    try {
      block = parseBlock(bytes);
    } catch (error) {
      result.findings.push({
        check: 'decode',
        blockNumber: n,
        message: `not a block: ${(error as Error).message}`,
      });
      break;
    }
    const decoded = block.envelopes.map(decodeEnvelope);
    const configBlock = isConfigBlock(decoded);
    const chain = checkHashChain(block, n, progress.previousHeaderHash, configBlock);
    result.findings.push(...chain.findings);
    progress.previousHeaderHash = chain.headerHash;
    if (n === 0) {
      result.genesisHash = chain.headerHash.toString('hex');
      if (options.anchor !== undefined) {
        result.anchorChecked = true;
        if (options.anchor.toLowerCase() !== result.genesisHash)
          result.findings.push({
            check: 'trust-anchor',
            blockNumber: 0,
            message: `block 0 header hash ${result.genesisHash} is not the anchor ${options.anchor}`,
          });
      }
    }
    result.transactions += block.envelopes.length;
    if (level === 'all') {
      verifyBlockContents(block, decoded, configBlock, chain.headerBytes, progress, sinks, result);
    }
    result.blocksVerified++;
    options.onProgress?.(n + 1, height);
  }
  for (const sink of sinks) result.findings.push(...sink.finish());
  return result;
}

function verifyBlockContents(
  block: RawBlock,
  decoded: DecodedTx[],
  configBlock: boolean,
  headerBytes: Buffer,
  progress: Progress,
  sinks: TransactionSink[],
  result: VerifyResult,
): void {
  const n = block.number;
  const findings = result.findings;
  if (configBlock) {
    const tx = decoded[0] as Extract<DecodedTx, { kind: 'config' }>;
    try {
      const next = configFromEnvelope(n, tx.payloadData);
      if (progress.config !== undefined && next.sequence !== progress.config.sequence + 1)
        findings.push({
          check: 'config',
          blockNumber: n,
          message: `config sequence ${next.sequence} does not follow ${progress.config.sequence}`,
        });
      // A config block is verified with the previous config, then replaces it.
      if (progress.config !== undefined) {
        findings.push(...checkOrdererSignatures(block, headerBytes, progress.config, n));
        const unauthorised = unauthorisedConfigUpdate(
          progress.config,
          tx.channelId,
          common.ConfigEnvelope.deserializeBinary(tx.payloadData),
        );
        if (unauthorised !== undefined)
          findings.push({ check: 'config', blockNumber: n, message: unauthorised });
      }
      progress.config = next;
      progress.lastConfigBlock = n;
      result.configBlocks.push(n);
    } catch (error) {
      findings.push({
        check: 'config',
        blockNumber: n,
        message: `config does not parse: ${(error as Error).message}`,
      });
    }
  } else if (progress.config === undefined) {
    findings.push({
      check: 'config',
      blockNumber: n,
      message: 'no channel config before this block',
    });
    return;
  } else {
    findings.push(
      ...checkOrdererSignatures(block, headerBytes, progress.config, progress.lastConfigBlock),
    );
  }
  const config = progress.config;
  if (config === undefined) return;
  const verdicts: Array<Verdict | undefined> = decoded.map((tx) => {
    if (tx.kind === 'invalid') return { code: tx.code, reason: tx.reason };
    if (tx.kind === 'config')
      return configBlock
        ? undefined
        : { code: Code.INVALID_CONFIG_TRANSACTION, reason: 'config transaction beside others' };
    const creator = checkCreator(tx, config);
    if (creator !== undefined) return creator;
    if (progress.txIds.has(tx.txId))
      return { code: Code.DUPLICATE_TXID, reason: 'txId already in the ledger' };
    return checkEndorsements(tx, config, progress.state);
  });
  // Duplicates within the block, then the ledger's index learns every txId, valid or not.
  const inBlock = new Set<string>();
  decoded.forEach((tx, i) => {
    if (tx.txId === '') return;
    if (inBlock.has(tx.txId) && verdicts[i] === undefined)
      verdicts[i] = { code: Code.DUPLICATE_TXID, reason: 'txId repeated in the block' };
    inBlock.add(tx.txId);
  });
  for (const txId of inBlock) progress.txIds.add(txId);
  const updates = new BlockUpdates();
  decoded.forEach((tx, i) => {
    if (tx.kind !== 'endorser' || verdicts[i] !== undefined) return;
    verdicts[i] = checkMvcc(tx, progress.state, updates);
    if (verdicts[i] === undefined) applyWrites(tx, { blockNumber: n, txNumber: i }, updates);
  });
  const codes = verdicts.map((verdict) => verdict?.code ?? Code.VALID);
  const commit = checkCommitHash(
    n,
    codes,
    updates,
    block.metadata[COMMIT_HASH],
    progress.previousCommitHash,
  );
  findings.push(...commit.findings);
  progress.previousCommitHash = commit.stored;
  const stored = block.metadata[TRANSACTIONS_FILTER] ?? new Uint8Array();
  findings.push(
    ...checkFlags(
      n,
      decoded,
      codes,
      verdicts.map((v) => v?.reason),
      stored,
    ),
  );
  decoded.forEach((tx, i) => {
    if (codes[i] === Code.VALID) result.validTransactions++;
    if (tx.kind === 'endorser') {
      const verified = toVerified(
        tx,
        n,
        i,
        codes[i] === Code.VALID,
        stored[i] ?? Code.NOT_VALIDATED,
      );
      for (const sink of sinks) sink.onTransaction(verified);
    }
  });
  progress.state.apply(updates);
}

function toVerified(
  tx: EndorserTx,
  blockNumber: number,
  txIndex: number,
  valid: boolean,
  storedFlag: number,
): VerifiedTransaction {
  const verified: VerifiedTransaction = {
    blockNumber,
    txIndex,
    txId: tx.txId,
    timestamp: tx.timestamp,
    creatorMsp: tx.creatorMsp,
    valid,
    storedFlag,
    namespaces: tx.namespaces.map(({ namespace, reads, writes }) => ({ namespace, reads, writes })),
  };
  if (tx.event !== undefined) verified.chaincodeEvent = tx.event;
  if (tx.invocation !== undefined) verified.invocation = tx.invocation;
  return verified;
}
