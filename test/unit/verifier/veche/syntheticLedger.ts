import { createHash } from 'node:crypto';
import type { KeyWrite, VerifiedTransaction } from '../../../../verifier/src/ledgerTransaction.js';

// Synthetic transactions as the Fabric-level pipeline hands them to sinks: the writes are what
// the veche chaincode writes (composite keys, canonical JSON values), built here by hand so each
// test states exactly which ledger it replays.

const hex = (text: string, length: number): string =>
  createHash('sha256').update(text).digest('hex').slice(0, length);

export const txIdOf = (name: string): string => hex(`tx|${name}`, 64);
export const residentOf = (name: string): string => hex(`resident|${name}`, 64);

/** Fabric's composite key: U+0000, the object type, then each attribute followed by U+0000. */
export function compositeKey(objectType: string, ...attributes: string[]): string {
  return `\u0000${objectType}\u0000${attributes.map((a) => `${a}\u0000`).join('')}`;
}

const json = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value), 'utf8');

export const put = (key: string, value: unknown): KeyWrite => ({
  key,
  isDelete: false,
  value: json(value),
});

export interface PollOptions {
  readonly allowRevote?: boolean;
  readonly opensAt?: string;
  readonly closesAt?: string;
}

export const OPENS_AT = '2026-12-01T08:00:00.000Z';
export const CLOSES_AT = '2026-12-01T20:00:00.000Z';
export const DURING = new Date('2026-12-01T12:00:00.000Z');

export function pollValue(
  pollId: string,
  status: 'draft' | 'open' | 'closed',
  options: PollOptions = {},
): Record<string, unknown> {
  return {
    title: 'Which park first?',
    description: 'A test poll',
    options: [
      { id: 'north', label: 'North park' },
      { id: 'south', label: 'South park' },
    ],
    maxChoices: 1,
    opensAt: options.opensAt ?? OPENS_AT,
    closesAt: options.closesAt ?? CLOSES_AT,
    allowRevote: options.allowRevote ?? true,
    resultsVisibility: 'after-close',
    pollId,
    status,
    department: 'ITDeptMSP',
    createdAt: '2026-12-01T07:00:00.000Z',
    txId: txIdOf(`create ${pollId}`),
    shardCount: 32,
  };
}

/** A ledger being written block by block: each call adds one transaction in its own block. */
export class SyntheticLedger {
  readonly transactions: VerifiedTransaction[] = [];
  private nextBlock = 5;

  constructor(readonly namespace = 'veche') {}

  add(
    name: string,
    writes: KeyWrite[],
    options: {
      time?: Date;
      valid?: boolean;
      storedFlag?: number;
      fn?: string;
      block?: number;
    } = {},
  ): VerifiedTransaction {
    const blockNumber = options.block ?? this.nextBlock;
    this.nextBlock = blockNumber + 1;
    const tx: VerifiedTransaction = {
      blockNumber,
      txIndex: 0,
      txId: txIdOf(name),
      timestamp: options.time ?? DURING,
      creatorMsp: 'ITDeptMSP',
      valid: options.valid ?? true,
      storedFlag: options.storedFlag ?? (options.valid === false ? 11 : 0),
      namespaces: [{ namespace: this.namespace, reads: [], writes }],
      ...(options.fn === undefined
        ? {}
        : { invocation: { chaincode: this.namespace, args: [Buffer.from(options.fn)] } }),
    };
    this.transactions.push(tx);
    return tx;
  }

  createPoll(pollId: string, options: PollOptions = {}): VerifiedTransaction {
    return this.add(
      `create ${pollId}`,
      [put(compositeKey('poll', pollId), pollValue(pollId, 'draft', options))],
      {
        fn: 'polls:CreatePoll',
        time: new Date('2026-12-01T07:00:00.000Z'),
      },
    );
  }

  setStatus(
    pollId: string,
    status: 'open' | 'closed',
    options: PollOptions & { time?: Date } = {},
  ): VerifiedTransaction {
    return this.add(
      `${status} ${pollId}`,
      [put(compositeKey('poll', pollId), pollValue(pollId, status, options))],
      {
        fn: status === 'open' ? 'polls:OpenPoll' : 'polls:ClosePoll',
        ...(options.time === undefined ? {} : { time: options.time }),
      },
    );
  }

  /** A ballot as CastBallot writes it: the ballot key (shard 0 here) and its value. */
  castBallot(
    name: string,
    pollId: string,
    resident: string,
    choices: string[],
    options: { revision?: number; time?: Date; valid?: boolean; storedFlag?: number } = {},
  ): VerifiedTransaction {
    const residentId = residentOf(resident);
    const txId = txIdOf(name);
    return this.add(
      name,
      [
        put(compositeKey('ballot', pollId, '0000', residentId), {
          pollId,
          residentId,
          ballotId: hex(`ballot|${pollId}|${residentId}`, 64),
          choices,
          txId,
          revision: options.revision ?? 1,
          recordedAt: (options.time ?? DURING).toISOString(),
        }),
      ],
      { fn: 'ballots:CastBallot', ...options },
    );
  }

  /** TallyShard's progress of shard 0 (every synthetic ballot is in shard 0). */
  shardTally(
    name: string,
    pollId: string,
    counts: Record<string, number>,
    lastResident: string | null,
    done = true,
  ): VerifiedTransaction {
    return this.add(
      name,
      [
        put(compositeKey('shardTally', pollId, '0000'), {
          pollId,
          shard: 0,
          counts,
          totalBallots: Object.values(counts).reduce((sum, n) => sum + n, 0),
          lastResidentId: lastResident === null ? null : residentOf(lastResident),
          done,
        }),
      ],
      { fn: 'tally:TallyShard', time: new Date('2026-12-01T21:00:00.000Z') },
    );
  }

  finalTally(
    name: string,
    pollId: string,
    counts: Record<string, number>,
    options: { valid?: boolean; storedFlag?: number; totalBallots?: number } = {},
  ): VerifiedTransaction {
    const totalBallots =
      options.totalBallots ?? Object.values(counts).reduce((sum, n) => sum + n, 0);
    return this.add(
      name,
      [
        put(compositeKey('tally', pollId), {
          pollId,
          complete: true,
          shardsDone: 32,
          shardCount: 32,
          totalBallots,
          counts,
          finalizedAt: '2026-12-01T21:00:00.000Z',
          txId: txIdOf(name),
        }),
      ],
      {
        fn: 'tally:FinalizeTally',
        time: new Date('2026-12-01T21:00:00.000Z'),
        ...(options.valid === undefined ? {} : { valid: options.valid }),
        ...(options.storedFlag === undefined ? {} : { storedFlag: options.storedFlag }),
      },
    );
  }
}
