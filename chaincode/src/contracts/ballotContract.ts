import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { castBallot, choicesArgSchema } from '../domain/ballot';
import { assertEligible } from '../domain/eligibility';
import { assertAcceptingBallots, hasEligibilityRules } from '../domain/poll';
import { fail } from '../errors';
import { authorize } from '../identity/authorize';
import { emitEvent } from '../ledger/events';
import { openLedger, requireConfig, transactionFacts } from '../ledger/ledger';
import { canonicalJson } from '../ledger/marshal';
import { parseArg, parseJsonArg } from './args';

@Info({ title: 'ballots', description: "Residents' ballots, one key per poll and resident" })
export class BallotContract extends Contract {
  constructor() {
    super('ballots');
  }

  /**
   * Point reads only (poll, resident, private details when the poll has rules, earlier ballot),
   * so the cost does not grow with the ballots already cast. Reading the poll key also makes a
   * close that commits first invalidate this ballot. The order of checks is fixed by API.md:
   * a closed poll answers POLL_NOT_OPEN even to a resident who already voted.
   */
  @Transaction()
  @Returns('string')
  async CastBallot(
    ctx: Context,
    pollId: string,
    residentId: string,
    choicesJson: string,
  ): Promise<string> {
    const pid = parseArg('pollId', pollId);
    const rid = parseArg('residentId', residentId);
    const choices = parseJsonArg(choicesArgSchema, choicesJson, 'choices');
    const ledger = openLedger(ctx);
    const config = await requireConfig(ledger);
    const caller = authorize(ctx, 'ballots:CastBallot', config);
    const tx = transactionFacts(ctx);

    const poll = await ledger.polls.require(pid);
    assertAcceptingBallots(poll, tx.txTime);
    const resident = await ledger.residents.get(rid);
    if (resident === null) {
      fail('NOT_REGISTERED', 'the resident is not registered');
    }
    const details =
      hasEligibilityRules(poll) && resident.personalDataStored
        ? await ledger.residents.getPersonalData(rid)
        : null;
    assertEligible(poll, details, tx.txTime, config.timeZone);
    const previous = await ledger.ballots.get(poll, rid);
    const { ballot, previousChoices } = castBallot(poll, rid, choices, previous, tx);

    await ledger.ballots.put(poll, ballot, previous === null);
    emitEvent(ctx.stub, {
      action: 'BallotCast',
      mspId: caller.mspId,
      actor: 'resident',
      actorId: rid,
      pollId: pid,
      residentId: rid,
      choices: ballot.choices,
      revision: ballot.revision,
      ...(previousChoices === undefined ? {} : { previousChoices }),
    });
    return canonicalJson(ballot);
  }

  @Transaction(false)
  @Returns('string')
  async GetBallot(ctx: Context, pollId: string, residentId: string): Promise<string> {
    const pid = parseArg('pollId', pollId);
    const rid = parseArg('residentId', residentId);
    const ledger = openLedger(ctx);
    authorize(ctx, 'ballots:GetBallot', await requireConfig(ledger));
    const poll = await ledger.polls.require(pid);
    return canonicalJson(await ledger.ballots.require(poll, rid));
  }

  @Transaction(false)
  @Returns('string')
  async GetBallotHistory(ctx: Context, pollId: string, residentId: string): Promise<string> {
    const pid = parseArg('pollId', pollId);
    const rid = parseArg('residentId', residentId);
    const ledger = openLedger(ctx);
    authorize(ctx, 'ballots:GetBallotHistory', await requireConfig(ledger));
    const poll = await ledger.polls.require(pid);
    const items = await ledger.ballots.history(poll, rid);
    if (items.length === 0) {
      fail('NOT_FOUND', 'no ballot of this resident in this poll');
    }
    return canonicalJson({ items });
  }

  @Transaction(false)
  @Returns('string')
  async ListResidentBallots(ctx: Context, residentId: string): Promise<string> {
    const rid = parseArg('residentId', residentId);
    const ledger = openLedger(ctx);
    authorize(ctx, 'ballots:ListResidentBallots', await requireConfig(ledger));
    return canonicalJson({ items: await ledger.ballots.listForResident(rid) });
  }
}
