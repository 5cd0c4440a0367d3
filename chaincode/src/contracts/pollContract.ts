import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { createPoll, pollDraftSchema, transitionPoll, type PollAction } from '../domain/poll';
import { shardCountFor } from '../domain/shard';
import { fail } from '../errors';
import { authorize } from '../identity/authorize';
import { emitEvent } from '../ledger/events';
import { openLedger, requireConfig, transactionFacts } from '../ledger/ledger';
import { canonicalJson } from '../ledger/marshal';
import { parseArg, parseJsonArg } from './args';

@Info({ title: 'polls', description: 'Polls: created, opened and closed by their department' })
export class PollContract extends Contract {
  constructor() {
    super('polls');
  }

  @Transaction()
  @Returns('string')
  async CreatePoll(ctx: Context, draftJson: string, officialId: string): Promise<string> {
    const draft = parseJsonArg(pollDraftSchema, draftJson, 'draft');
    const official = parseArg('officialId', officialId);
    const ledger = openLedger(ctx);
    const config = await requireConfig(ledger);
    const caller = authorize(ctx, 'polls:CreatePoll', config);
    const poll = createPoll(draft, {
      ...transactionFacts(ctx),
      department: caller.mspId,
      shardCount: shardCountFor(config.expectedElectorate),
    });
    if ((await ledger.polls.get(poll.pollId)) !== null) {
      fail('CONFLICT', 'a poll with this ID already exists');
    }
    await ledger.polls.create(poll);
    emitEvent(ctx.stub, {
      action: 'PollCreated',
      mspId: caller.mspId,
      actor: 'official',
      actorId: official,
      pollId: poll.pollId,
    });
    return canonicalJson(poll);
  }

  @Transaction()
  @Returns('string')
  async OpenPoll(ctx: Context, pollId: string, officialId: string): Promise<string> {
    return this.transition(ctx, 'open', pollId, officialId);
  }

  /** Only flips the status: the tally runs afterwards, shard by shard, in the tally contract. */
  @Transaction()
  @Returns('string')
  async ClosePoll(ctx: Context, pollId: string, officialId: string): Promise<string> {
    return this.transition(ctx, 'close', pollId, officialId);
  }

  @Transaction(false)
  @Returns('string')
  async GetPoll(ctx: Context, pollId: string): Promise<string> {
    const id = parseArg('pollId', pollId);
    const ledger = openLedger(ctx);
    authorize(ctx, 'polls:GetPoll', await requireConfig(ledger));
    return canonicalJson(await ledger.polls.require(id));
  }

  @Transaction(false)
  @Returns('string')
  async ListPolls(ctx: Context, status: string, limit: string, cursor: string): Promise<string> {
    const filter = parseArg('status', status);
    const pageSize = parseArg('limit', limit);
    const from = parseArg('cursor', cursor);
    const ledger = openLedger(ctx);
    authorize(ctx, 'polls:ListPolls', await requireConfig(ledger));
    const page = await ledger.polls.list(filter === '' ? null : filter, pageSize, from);
    return canonicalJson(page);
  }

  @Transaction(false)
  @Returns('string')
  async GetPollHistory(ctx: Context, pollId: string): Promise<string> {
    const id = parseArg('pollId', pollId);
    const ledger = openLedger(ctx);
    authorize(ctx, 'polls:GetPollHistory', await requireConfig(ledger));
    await ledger.polls.require(id);
    return canonicalJson({ items: await ledger.polls.history(id) });
  }

  private async transition(
    ctx: Context,
    action: PollAction,
    pollId: string,
    officialId: string,
  ): Promise<string> {
    const id = parseArg('pollId', pollId);
    const official = parseArg('officialId', officialId);
    const ledger = openLedger(ctx);
    const config = await requireConfig(ledger);
    const poll = await ledger.polls.require(id);
    const transaction = action === 'open' ? 'polls:OpenPoll' : 'polls:ClosePoll';
    const caller = authorize(ctx, transaction, config, poll.department);
    const next = transitionPoll(poll, action);
    await ledger.polls.update(poll, next);
    emitEvent(ctx.stub, {
      action: action === 'open' ? 'PollOpened' : 'PollClosed',
      mspId: caller.mspId,
      actor: 'official',
      actorId: official,
      pollId: id,
    });
    return canonicalJson(next);
  }
}
