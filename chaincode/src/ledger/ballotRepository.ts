import { z } from 'zod';
import { fail } from '../errors';
import { ballotSchema, type Ballot } from '../domain/ballot';
import type { Poll } from '../domain/poll';
import { shardOf } from '../domain/shard';
import type { ShardEntry, ShardRange } from '../domain/tally';
import { readHistory } from './history';
import { compositeKeyRange } from './keyRange';
import { keys } from './keys';
import type { LedgerState } from './ledgerState';
import { unmarshal } from './marshal';

const residentBallotSchema = z.strictObject({ pollId: z.string(), shard: z.int().min(0) });

/**
 * One key per (poll, resident), written only by that resident's transactions, so ballots never
 * contend with each other. The shard is part of the key so a tally chunk reads one range.
 */
export class BallotRepository {
  constructor(private readonly state: LedgerState) {}

  async get(poll: Poll, residentId: string): Promise<Ballot | null> {
    const shard = shardOf(residentId, poll.shardCount);
    return this.state.read(keys.ballot(poll.pollId, shard, residentId), ballotSchema, 'ballot');
  }

  async require(poll: Poll, residentId: string): Promise<Ballot> {
    return (
      (await this.get(poll, residentId)) ??
      fail('NOT_FOUND', 'no ballot of this resident in this poll')
    );
  }

  /** `first` adds the resident's index entry; a re-vote only replaces the ballot. */
  async put(poll: Poll, ballot: Ballot, first: boolean): Promise<void> {
    const shard = shardOf(ballot.residentId, poll.shardCount);
    await this.state.write(keys.ballot(poll.pollId, shard, ballot.residentId), ballot);
    if (first) {
      await this.state.write(keys.residentBallot(ballot.residentId, poll.pollId), {
        pollId: poll.pollId,
        shard,
      });
    }
  }

  /**
   * Every version of the ballot, oldest first by revision: the peer yields history newest first
   * and timestamps are clients' clocks, while revisions count up with each re-vote.
   */
  async history(poll: Poll, residentId: string): Promise<Ballot[]> {
    const key = this.state.key(
      keys.ballot(poll.pollId, shardOf(residentId, poll.shardCount), residentId),
    );
    const versions = await readHistory(this.state.stub.getHistoryForKey(key), (value) =>
      unmarshal(value, ballotSchema, 'ballot'),
    );
    return versions.map(({ value }) => value).sort((a, b) => a.revision - b.revision);
  }

  /** The resident's latest ballot in each poll, newest first. A read-only query. */
  async listForResident(residentId: string): Promise<Ballot[]> {
    const index = keys.residentBallots(residentId);
    const ballots: Ballot[] = [];
    for await (const kv of this.state.stub.getStateByPartialCompositeKey(index.objectType, [
      ...index.attributes,
    ])) {
      const { pollId, shard } = unmarshal(kv.value, residentBallotSchema, 'ballot index');
      const ballot = await this.state.read(
        keys.ballot(pollId, shard, residentId),
        ballotSchema,
        'ballot',
      );
      if (ballot !== null) {
        ballots.push(ballot);
      }
    }
    return ballots.sort((a, b) =>
      a.recordedAt < b.recordedAt ? 1 : a.recordedAt > b.recordedAt ? -1 : 0,
    );
  }

  /**
   * One shard's ballots in key order, each range starting after the resident given: a continued
   * chunk reads only its own keys. Choices are parsed only when the tally asks for them.
   */
  shardRange(pollId: string, shard: number): ShardRange {
    const state = this.state;
    const prefix = state.key(keys.ballotShard(pollId, shard));
    return {
      async *entriesAfter(residentId: string | null): AsyncGenerator<ShardEntry> {
        const after =
          residentId === null ? null : state.key(keys.ballot(pollId, shard, residentId));
        for await (const kv of compositeKeyRange(state.stub, prefix, after)) {
          const id = state.stub.splitCompositeKey(kv.key).attributes.at(-1);
          if (id === undefined) {
            fail('INVALID_STATE', 'a ballot key has no resident');
          }
          const value = kv.value;
          yield { residentId: id, choices: () => unmarshal(value, ballotSchema, 'ballot').choices };
        }
      },
    };
  }
}
