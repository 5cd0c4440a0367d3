import type { Poll } from '../domain/poll';
import { shardTallySchema, tallySchema, type ShardTally, type Tally } from '../domain/tally';
import { keys } from './keys';
import type { LedgerState } from './ledgerState';

export class TallyRepository {
  constructor(private readonly state: LedgerState) {}

  async getShard(pollId: string, shard: number): Promise<ShardTally | null> {
    return this.state.read(keys.shardTally(pollId, shard), shardTallySchema, 'shard tally');
  }

  async putShard(tally: ShardTally): Promise<void> {
    await this.state.write(keys.shardTally(tally.pollId, tally.shard), tally);
  }

  /** Point reads of every shard's progress: shardCount keys, independent of the ballot count. */
  async getShards(poll: Poll): Promise<(ShardTally | null)[]> {
    const shards: (ShardTally | null)[] = [];
    for (let shard = 0; shard < poll.shardCount; shard += 1) {
      shards.push(await this.getShard(poll.pollId, shard));
    }
    return shards;
  }

  async getFinal(pollId: string): Promise<Tally | null> {
    return this.state.read(keys.tally(pollId), tallySchema, 'tally');
  }

  async putFinal(tally: Tally): Promise<void> {
    await this.state.write(keys.tally(tally.pollId), tally);
  }
}
