import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import type { Caller } from '../domain/access';
import type { Poll } from '../domain/poll';
import {
  emptyShardTally,
  finalizeTally,
  summarizeTally,
  tallyChunk,
  tallySummaryOf,
} from '../domain/tally';
import { fail } from '../errors';
import { authorize } from '../identity/authorize';
import { emitEvent } from '../ledger/events';
import { openLedger, requireConfig, transactionFacts } from '../ledger/ledger';
import { canonicalJson } from '../ledger/marshal';
import { parseArg } from './args';

function actorOf(caller: Caller, poll: Poll): 'official' | 'system' {
  return caller.mspId === poll.department ? 'official' : 'system';
}

@Info({ title: 'tally', description: 'Counting a closed poll shard by shard, then the final sum' })
export class TallyContract extends Contract {
  constructor() {
    super('tally');
  }

  /**
   * Counts up to chunkSize ballots of one shard, reading from after the last one counted. The range
   * read is safe in a write transaction only because the poll is closed: no ballot can enter the
   * range before this commits (Fabric re-checks range reads at validation). Calling it on a
   * finished shard writes nothing and answers counted 0, done true.
   */
  @Transaction()
  @Returns('string')
  async TallyShard(
    ctx: Context,
    pollId: string,
    shard: string,
    chunkSize: string,
  ): Promise<string> {
    const pid = parseArg('pollId', pollId);
    const shardNumber = parseArg('shard', shard);
    const size = parseArg('chunkSize', chunkSize);
    const ledger = openLedger(ctx);
    const config = await requireConfig(ledger);
    const poll = await ledger.polls.require(pid);
    const caller = authorize(ctx, 'tally:TallyShard', config, poll.department);
    if (poll.status !== 'closed') {
      fail('INVALID_STATE', `cannot tally a poll that is ${poll.status}`);
    }
    if (shardNumber >= poll.shardCount) {
      fail('INVALID_ARGUMENT', `shard must be below ${poll.shardCount}`);
    }
    const progress =
      (await ledger.tallies.getShard(pid, shardNumber)) ?? emptyShardTally(poll, shardNumber);
    const { tally, counted } = await tallyChunk(
      progress,
      ledger.ballots.shardRange(pid, shardNumber),
      size,
    );
    if (counted > 0 || tally.done !== progress.done) {
      await ledger.tallies.putShard(tally);
    }
    emitEvent(ctx.stub, {
      action: 'ShardTallied',
      mspId: caller.mspId,
      actor: actorOf(caller, poll),
      pollId: pid,
    });
    return canonicalJson({ pollId: pid, shard: shardNumber, counted, done: tally.done });
  }

  /**
   * Sums the shards once all are done (TALLY_PENDING before). A poll's tally is final once:
   * a second call answers INVALID_STATE, which the gateway maps to 409 as API.md asks for a
   * close on a poll whose tally is complete.
   */
  @Transaction()
  @Returns('string')
  async FinalizeTally(ctx: Context, pollId: string): Promise<string> {
    const pid = parseArg('pollId', pollId);
    const ledger = openLedger(ctx);
    const config = await requireConfig(ledger);
    const poll = await ledger.polls.require(pid);
    const caller = authorize(ctx, 'tally:FinalizeTally', config, poll.department);
    if ((await ledger.tallies.getFinal(pid)) !== null) {
      fail('INVALID_STATE', 'the tally of this poll is already final');
    }
    const tally = finalizeTally(poll, await ledger.tallies.getShards(poll), transactionFacts(ctx));
    await ledger.tallies.putFinal(tally);
    emitEvent(ctx.stub, {
      action: 'TallyFinalized',
      mspId: caller.mspId,
      actor: actorOf(caller, poll),
      pollId: pid,
    });
    return canonicalJson(tally);
  }

  @Transaction(false)
  @Returns('string')
  async GetTally(ctx: Context, pollId: string): Promise<string> {
    const pid = parseArg('pollId', pollId);
    const ledger = openLedger(ctx);
    authorize(ctx, 'tally:GetTally', await requireConfig(ledger));
    const poll = await ledger.polls.require(pid);
    const final = await ledger.tallies.getFinal(pid);
    return canonicalJson(
      final === null
        ? summarizeTally(poll, await ledger.tallies.getShards(poll))
        : tallySummaryOf(final),
    );
  }
}
