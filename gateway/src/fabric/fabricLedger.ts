import { status as grpcStatus } from '@grpc/grpc-js';
import { GatewayError, StatusCode, type Contract, type Gateway } from '@hyperledger/fabric-gateway';
import { gateway as fabricGateway } from '@hyperledger/fabric-protos';
import type { PersonalData } from '@veche/common';
import { z } from 'zod';
import type { FabricConfig } from '../config.js';
import type { Metrics } from '../middleware/metrics.js';
import type {
  AuditBlock,
  AuditBlockStream,
  ChainInfo,
  Committed,
  Ledger,
  LedgerBallot,
  LedgerTally,
  LedgerTransaction,
  WriteOptions,
} from '../services/ledger.js';
import {
  LedgerError,
  parseChaincodeCode,
  type LedgerErrorCause,
} from '../services/ledgerErrors.js';
import { Poll, PollHistory, PollList } from '../validation/schemas.js';
import {
  ledgerBallot,
  purged,
  registered,
  residentDistrict,
  residentRecord,
  shardTallied,
  tallySummary,
} from './results.js';
import { decodeBlock } from './blocks.js';
import { connectFabric, type FabricConnections } from './connection.js';
import {
  decodeBlockNumber,
  decodeChainHeight,
  decodeChainInfo,
  decodeProcessedTransaction,
  decodeTransactionEnvelope,
} from './transactions.js';

const statusNames = new Map<number, string>(
  Object.entries(StatusCode)
    .filter(([, code]) => typeof code === 'number')
    .map(([name, code]) => [code as number, name]),
);

/** The steps of a ledger call; only `evaluate` and `endorse` happen before anything is ordered. */
export type LedgerPhase = 'evaluate' | 'endorse' | 'submit' | 'commit';

const grpcCodeNames = new Map<number, string>(
  Object.entries(grpcStatus)
    .filter(([, code]) => typeof code === 'number')
    .map(([name, code]) => [code as number, name]),
);

/** What the Fabric client said, for the log: gRPC code and the nodes' messages, no arguments. */
function causeOf(error: unknown): LedgerErrorCause {
  if (error instanceof GatewayError) {
    return {
      class: error.name,
      message: error.message,
      grpcCode: grpcCodeNames.get(error.code) ?? String(error.code),
      details: error.details.map(
        (detail) => `${detail.mspId} ${detail.address}: ${detail.message}`,
      ),
    };
  }
  return error instanceof Error
    ? { class: error.name, message: error.message }
    : { class: typeof error, message: 'not an Error' };
}

/**
 * Turns a Fabric client error into a LedgerError. Before the transaction is submitted, a coded
 * chaincode error wins over transport and anything else recorded nothing. Once it was handed to
 * submit, whatever the gRPC code, the orderers may have it: its outcome is unknown, not absent.
 */
export function translateFabricError(
  error: unknown,
  phase: LedgerPhase,
  txId?: string,
): LedgerError {
  if (error instanceof LedgerError) return error;
  const cause = causeOf(error);
  if ((phase === 'submit' || phase === 'commit') && txId !== undefined) {
    return new LedgerError({ kind: 'commit-pending', txId }, cause);
  }
  const texts: string[] = [];
  if (error instanceof Error) texts.push(error.message);
  if (error instanceof GatewayError) texts.push(...error.details.map((detail) => detail.message));
  for (const text of texts) {
    const code = parseChaincodeCode(text);
    if (code !== undefined) return new LedgerError({ kind: 'chaincode', code }, cause);
  }
  return new LedgerError({ kind: 'unavailable', write: phase === 'endorse' }, cause);
}

/** Fabric's gateway names each endorser whose answer differed from the first one's so. */
const payloadMismatch = 'ProposalResponsePayloads do not match';

/**
 * Whether the endorsers ran the proposal on different ledger states and answered differently,
 * from the client's error that `timed` keeps as the LedgerError's cause.
 */
export function endorsersDisagreed(error: unknown): boolean {
  if (!(error instanceof LedgerError)) return false;
  const cause = error.ledgerCause;
  return [cause?.message ?? '', ...(cause?.details ?? [])].some((text) =>
    text.includes(payloadMismatch),
  );
}

/** Pauses before each new proposal after the endorsers disagreed: a block commits in ~100 ms. */
export const disagreementRetryDelaysMs: readonly number[] = [50, 150, 400];

/**
 * Endorses again, as a new proposal, when the endorsers disagreed. They do when one peer has
 * committed a block the other has not yet (a resident's re-vote the moment the last ballot was
 * answered reads two revisions of it), which ends once the slower peer commits. Nothing was
 * submitted, so a new proposal (a new txId) records nothing twice.
 */
export async function retryWhenEndorsersDisagree<T>(
  endorse: () => Promise<T>,
  delaysMs: readonly number[] = disagreementRetryDelaysMs,
  onRetry: () => void = () => undefined,
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await endorse();
    } catch (error: unknown) {
      const delay = delaysMs[attempt];
      if (delay === undefined || !endorsersDisagreed(error)) throw error;
      onRetry();
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * Looks a transaction up on a peer that may lag behind the one that committed it: a ballot
 * answered 201 is committed on the gateway's peer (the leader), while the regulator's peer (the
 * follower) may still be a block or two behind. When the first look finds nothing, waits (at
 * most `waitMs`) until the follower reaches the leader's height, then looks once more, also when
 * it is level at once: it may have committed the block between the first look and the heights.
 * An ID the leader does not know either is simply not there.
 */
export async function findOnLaggingPeer<T>(
  lookUp: () => Promise<T | undefined>,
  heights: { leader(): Promise<number>; follower(): Promise<number> },
  waitMs: number,
  pollMs = 50,
): Promise<T | undefined> {
  const found = await lookUp();
  if (found !== undefined) return found;
  const target = await heights.leader();
  let height = await heights.follower();
  const deadline = Date.now() + waitMs;
  while (height < target && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    height = await heights.follower();
  }
  return height >= target ? lookUp() : undefined;
}

/** Receipts checked again and again (a resident's app polling) are answered from memory. */
const committedCacheSize = 10000;

/**
 * Parses what the chaincode returned against the shape docs/chaincode-interface.md gives it.
 * Fields the schema does not name are dropped (a Poll's `shardCount` is the chaincode's, not
 * API.md's); anything else that does not fit is a broken contract, not the caller's fault.
 */
function parseResult<S extends z.ZodType>(schema: S, bytes: Uint8Array, what: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new Error(`the chaincode's ${what} is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`the chaincode's ${what} does not match its schema`);
  return parsed.data;
}

/**
 * The Ledger port over @hyperledger/fabric-gateway. Residents' writes are signed by the
 * gateway organisation, officials' by their department's identity; receipts, history and audit
 * are read on the regulator's peer with evaluations pinned to the regulator's organisation.
 */
class FabricLedger implements Ledger {
  private readonly connections: FabricConnections;
  /** Transactions found on the ledger, oldest first, at most `committedCacheSize`. */
  private readonly committed = new Map<string, LedgerTransaction>();

  constructor(
    private readonly config: FabricConfig,
    private readonly metrics: Metrics,
  ) {
    this.connections = connectFabric(config);
  }

  private contract(gateway: Gateway, name: string): Contract {
    return gateway.getNetwork(this.config.channel).getContract(this.config.chaincode, name);
  }

  private writer(mspId: string): Gateway {
    const gateway = this.connections.writers.get(mspId);
    if (gateway === undefined) throw new LedgerError({ kind: 'chaincode', code: 'FORBIDDEN' });
    return gateway;
  }

  private get gatewayWriter(): Gateway {
    return this.writer(this.config.gatewayMspId);
  }

  private async timed<T>(phase: LedgerPhase, work: () => Promise<T>, txId?: string): Promise<T> {
    const stop = this.metrics.fabricDuration.startTimer({ phase });
    try {
      const value = await work();
      stop({ outcome: 'ok' });
      return value;
    } catch (error: unknown) {
      stop({ outcome: 'error' });
      throw translateFabricError(error, phase, txId);
    }
  }

  private async evaluate<S extends z.ZodType>(
    schema: S,
    gateway: Gateway,
    contract: string,
    name: string,
    args: string[],
    endorsingOrganizations?: string[],
  ): Promise<z.output<S>> {
    const bytes = await this.timed('evaluate', () =>
      this.contract(gateway, contract).evaluate(name, {
        arguments: args,
        ...(endorsingOrganizations === undefined ? {} : { endorsingOrganizations }),
      }),
    );
    return parseResult(schema, bytes, `${contract}:${name} answer`);
  }

  private async submit<S extends z.ZodType>(
    schema: S,
    gateway: Gateway,
    contract: string,
    name: string,
    args: string[],
    options: WriteOptions & { transientData?: Record<string, string> } = {},
  ): Promise<Committed<z.output<S>>> {
    const { txId, transaction } = await retryWhenEndorsersDisagree(
      async () => {
        const proposal = this.contract(gateway, contract).newProposal(name, {
          arguments: args,
          ...(options.transientData === undefined
            ? {}
            : {
                transientData: options.transientData,
                // Personal data may be seen only by the departments' peers.
                endorsingOrganizations: [...this.config.departmentMspIds],
              }),
        });
        return {
          txId: proposal.getTransactionId(),
          transaction: await this.timed('endorse', () => proposal.endorse()),
        };
      },
      disagreementRetryDelaysMs,
      () => {
        this.metrics.endorsementRetries.inc();
      },
    );
    // Noted only now: a failed endorsement recorded nothing and leaves no txId to chase.
    if (options.onPrepared !== undefined) {
      await options.onPrepared({ txId, transaction: transaction.getBytes() });
    }
    const submitted = await this.timed('submit', () => transaction.submit(), txId);
    const status = await this.timed('commit', () => submitted.getStatus(), txId);
    if (!status.successful) {
      throw new LedgerError({
        kind: 'invalid',
        txId,
        validationCode: statusNames.get(status.code) ?? String(status.code),
      });
    }
    return {
      value: parseResult(schema, submitted.getResult(), `${contract}:${name} answer`),
      txId,
      blockNumber: Number(status.blockNumber),
    };
  }

  async ping(): Promise<void> {
    await Promise.all([
      this.evaluate(z.unknown(), this.gatewayWriter, 'config', 'GetConfig', []),
      this.evaluate(
        z.unknown(),
        this.connections.regulator,
        'config',
        'GetConfig',
        [],
        [this.config.regulatorMspId],
      ),
    ]);
  }

  async peerHeights(): Promise<Readonly<Record<string, number>>> {
    const peers: [string, Gateway][] = [
      [this.config.gatewayMspId, this.gatewayWriter],
      [this.config.regulatorMspId, this.connections.regulator],
    ];
    const heights = await Promise.all(
      peers.map(([mspId, gateway]) =>
        this.height(gateway, mspId).then(
          (height): [string, number][] => [[mspId, height]],
          (): [string, number][] => [],
        ),
      ),
    );
    return Object.fromEntries(heights.flat());
  }

  createPoll(
    department: string,
    draft: unknown,
    officialId: string,
    options?: WriteOptions,
  ): Promise<Committed<Poll>> {
    return this.submit(
      Poll,
      this.writer(department),
      'polls',
      'CreatePoll',
      [JSON.stringify(draft), officialId],
      options,
    );
  }
  openPoll(department: string, pollId: string, officialId: string): Promise<Committed<Poll>> {
    return this.submit(Poll, this.writer(department), 'polls', 'OpenPoll', [pollId, officialId]);
  }
  closePoll(department: string, pollId: string, officialId: string): Promise<Committed<Poll>> {
    return this.submit(Poll, this.writer(department), 'polls', 'ClosePoll', [pollId, officialId]);
  }
  getPoll(pollId: string): Promise<Poll> {
    return this.evaluate(Poll, this.gatewayWriter, 'polls', 'GetPoll', [pollId]);
  }
  listPolls(status: string, limit: number, cursor: string): Promise<PollList> {
    return this.evaluate(PollList, this.gatewayWriter, 'polls', 'ListPolls', [
      status,
      String(limit),
      cursor,
    ]);
  }
  getPollHistory(pollId: string): Promise<PollHistory> {
    return this.evaluate(
      PollHistory,
      this.connections.regulator,
      'polls',
      'GetPollHistory',
      [pollId],
      [this.config.regulatorMspId],
    );
  }
  registerResident(
    residentId: string,
    personalData: PersonalData,
  ): Promise<Committed<{ residentId: string; registeredAt: string; created: boolean }>> {
    return this.submit(
      registered,
      this.gatewayWriter,
      'residents',
      'RegisterResident',
      [residentId],
      {
        transientData: { personalData: JSON.stringify(personalData) },
      },
    );
  }
  getResident(
    residentId: string,
  ): Promise<{ residentId: string; registeredAt: string; personalDataStored: boolean }> {
    return this.evaluate(residentRecord, this.gatewayWriter, 'residents', 'GetResident', [
      residentId,
    ]);
  }
  getResidentDistrict(residentId: string): Promise<{ district: string | null }> {
    return this.evaluate(
      residentDistrict,
      this.gatewayWriter,
      'residents',
      'GetResidentDistrict',
      [residentId],
      [...this.config.departmentMspIds.slice(0, 1)],
    );
  }
  purgeResident(residentId: string): Promise<Committed<{ residentId: string; purged: true }>> {
    return this.submit(purged, this.gatewayWriter, 'residents', 'PurgeResident', [residentId]);
  }
  castBallot(
    pollId: string,
    residentId: string,
    choices: string[],
    options?: WriteOptions,
  ): Promise<Committed<LedgerBallot>> {
    return this.submit(
      ledgerBallot,
      this.gatewayWriter,
      'ballots',
      'CastBallot',
      [pollId, residentId, JSON.stringify(choices)],
      options,
    );
  }
  getBallot(pollId: string, residentId: string): Promise<LedgerBallot> {
    return this.evaluate(ledgerBallot, this.gatewayWriter, 'ballots', 'GetBallot', [
      pollId,
      residentId,
    ]);
  }
  listResidentBallots(residentId: string): Promise<{ items: LedgerBallot[] }> {
    return this.evaluate(
      z.object({ items: z.array(ledgerBallot) }),
      this.gatewayWriter,
      'ballots',
      'ListResidentBallots',
      [residentId],
    );
  }
  tallyShard(
    department: string,
    pollId: string,
    shard: number,
    chunkSize: number,
  ): Promise<Committed<{ pollId: string; shard: number; counted: number; done: boolean }>> {
    return this.submit(shardTallied, this.writer(department), 'tally', 'TallyShard', [
      pollId,
      String(shard),
      String(chunkSize),
    ]);
  }
  finalizeTally(department: string, pollId: string): Promise<Committed<LedgerTally>> {
    return this.submit(tallySummary, this.writer(department), 'tally', 'FinalizeTally', [pollId]);
  }
  getTally(pollId: string): Promise<LedgerTally> {
    return this.evaluate(tallySummary, this.gatewayWriter, 'tally', 'GetTally', [pollId]);
  }

  async resubmit(bytes: Uint8Array): Promise<void> {
    const prepared = fabricGateway.PreparedTransaction.deserializeBinary(bytes);
    const envelope = prepared.getEnvelope();
    const creator = envelope === undefined ? undefined : decodeTransactionEnvelope(envelope);
    if (creator === undefined) throw new Error('not a prepared endorser transaction');
    // Signed again by the identity that created it: a signature over the same payload, so the
    // same transaction. An orderer still holding the first copy counts the second as submitted.
    const transaction = this.writer(creator.mspId).newTransaction(bytes);
    const txId = transaction.getTransactionId();
    const submitted = await this.timed('submit', () => transaction.submit(), txId);
    await this.timed('commit', () => submitted.getStatus(), txId);
  }

  /**
   * A committed transaction never changes (its block, validation code, envelope), so what the
   * regulator's peer answered is kept; only unknown IDs are asked again.
   */
  async getTransaction(txId: string): Promise<LedgerTransaction | undefined> {
    const cached = this.committed.get(txId);
    if (cached !== undefined) return cached;
    const found = await findOnLaggingPeer(
      () => this.lookUpTransaction(txId),
      {
        leader: () => this.height(this.gatewayWriter, this.config.gatewayMspId),
        follower: () => this.height(this.connections.regulator, this.config.regulatorMspId),
      },
      this.config.timeouts.evaluateMs,
    );
    if (found !== undefined) {
      if (this.committed.size >= committedCacheSize) {
        const oldest = this.committed.keys().next();
        if (oldest.done !== true) this.committed.delete(oldest.value);
      }
      this.committed.set(txId, found);
    }
    return found;
  }

  private async height(gateway: Gateway, mspId: string): Promise<number> {
    const qscc = gateway.getNetwork(this.config.channel).getContract('qscc');
    const bytes = await this.timed('evaluate', () =>
      qscc.evaluate('GetChainInfo', {
        arguments: [this.config.channel],
        endorsingOrganizations: [mspId],
      }),
    );
    return decodeChainHeight(bytes);
  }

  private async lookUpTransaction(txId: string): Promise<LedgerTransaction | undefined> {
    const qscc = this.connections.regulator.getNetwork(this.config.channel).getContract('qscc');
    const options = {
      arguments: [this.config.channel, txId],
      endorsingOrganizations: [this.config.regulatorMspId],
    };
    try {
      const [transaction, block] = await this.timed('evaluate', () =>
        Promise.all([
          qscc.evaluate('GetTransactionByID', options),
          qscc.evaluate('GetBlockByTxID', options),
        ]),
      );
      return decodeProcessedTransaction(
        transaction,
        decodeBlockNumber(block),
        this.config.chaincode,
      );
    } catch (error: unknown) {
      // qscc answers an unknown ID with an endorsement error, not a transport error.
      if (
        error instanceof LedgerError &&
        error.failure.kind === 'unavailable' &&
        (await this.reachable())
      ) {
        return undefined;
      }
      throw error;
    }
  }

  private async reachable(): Promise<boolean> {
    return this.ping().then(
      () => true,
      () => false,
    );
  }

  private regulatorQscc(name: string, args: string[]): Promise<Uint8Array> {
    const qscc = this.connections.regulator.getNetwork(this.config.channel).getContract('qscc');
    return this.timed('evaluate', () =>
      qscc.evaluate(name, {
        arguments: [this.config.channel, ...args],
        endorsingOrganizations: [this.config.regulatorMspId],
      }),
    );
  }

  async chainInfo(): Promise<ChainInfo> {
    const info = decodeChainInfo(await this.regulatorQscc('GetChainInfo', []));
    return { channel: this.config.channel, ...info };
  }

  async getBlock(blockNumber: number): Promise<Uint8Array | undefined> {
    try {
      return await this.regulatorQscc('GetBlockByNumber', [String(blockNumber)]);
    } catch (error: unknown) {
      // qscc answers a block beyond the height with an endorsement error, as it does an unknown
      // txId; only the height tells that apart from a peer that is down.
      if (error instanceof LedgerError && error.failure.kind === 'unavailable') {
        const height = await this.height(
          this.connections.regulator,
          this.config.regulatorMspId,
        ).catch(() => undefined);
        if (height !== undefined && blockNumber >= height) return undefined;
      }
      throw error;
    }
  }

  async auditBlocks(startBlock: number): Promise<AuditBlockStream> {
    // Full blocks, not filtered ones: only they carry invalid transactions' events and
    // endorsers. No deadline on this call: the stream is meant to stay open.
    const blocks = await this.connections.regulator
      .getNetwork(this.config.channel)
      .getBlockEvents({ startBlock: BigInt(startBlock) });
    const chaincode = this.config.chaincode;
    return {
      close: () => {
        blocks.close();
      },
      async *[Symbol.asyncIterator](): AsyncIterator<AuditBlock> {
        for await (const block of blocks) yield decodeBlock(block, chaincode);
      },
    };
  }

  close(): Promise<void> {
    this.connections.close();
    return Promise.resolve();
  }
}

export function createFabricLedger(config: FabricConfig, metrics: Metrics): Ledger {
  return new FabricLedger(config, metrics);
}
