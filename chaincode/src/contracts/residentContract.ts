import { personalDataSchema } from '@veche/common';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { purgeResident, registerResident } from '../domain/resident';
import { fail } from '../errors';
import { authorize } from '../identity/authorize';
import { emitEvent } from '../ledger/events';
import { openLedger, requireConfig, transactionFacts } from '../ledger/ledger';
import { canonicalJson } from '../ledger/marshal';
import { parseArg, parseJsonArg } from './args';

/** Name of the transient field that carries personal details; transient data never reaches a block. */
const PERSONAL_DATA_FIELD = 'personalData';

@Info({
  title: 'residents',
  description: 'Pseudonymous residents and their private personal details',
})
export class ResidentContract extends Contract {
  constructor() {
    super('residents');
  }

  /**
   * Stores the details in the private collection and a public record without them. The response
   * and the event are recorded in the block, so neither carries any detail.
   */
  @Transaction()
  @Returns('string')
  async RegisterResident(ctx: Context, residentId: string): Promise<string> {
    const id = parseArg('residentId', residentId);
    const transient = ctx.stub.getTransient().get(PERSONAL_DATA_FIELD);
    if (transient === undefined) {
      fail('INVALID_ARGUMENT', `transient field ${PERSONAL_DATA_FIELD} is required`);
    }
    const details = parseJsonArg(
      personalDataSchema,
      Buffer.from(transient).toString('utf8'),
      PERSONAL_DATA_FIELD,
    );
    const ledger = openLedger(ctx);
    const caller = authorize(ctx, 'residents:RegisterResident', await requireConfig(ledger));
    const existing = await ledger.residents.get(id);
    const record = registerResident(id, existing, transactionFacts(ctx).txTime);
    await ledger.residents.put(record);
    await ledger.residents.putPersonalData(id, details);
    emitEvent(ctx.stub, {
      action: 'ResidentRegistered',
      mspId: caller.mspId,
      actor: 'resident',
      actorId: id,
      residentId: id,
    });
    return canonicalJson({
      residentId: id,
      registeredAt: record.registeredAt,
      created: existing === null,
    });
  }

  @Transaction(false)
  @Returns('string')
  async GetResident(ctx: Context, residentId: string): Promise<string> {
    const id = parseArg('residentId', residentId);
    const ledger = openLedger(ctx);
    authorize(ctx, 'residents:GetResident', await requireConfig(ledger));
    return canonicalJson(await ledger.residents.require(id));
  }

  /** Reads the private collection, so it must be evaluated on a department peer. */
  @Transaction(false)
  @Returns('string')
  async GetResidentDistrict(ctx: Context, residentId: string): Promise<string> {
    const id = parseArg('residentId', residentId);
    const ledger = openLedger(ctx);
    authorize(ctx, 'residents:GetResidentDistrict', await requireConfig(ledger));
    const record = await ledger.residents.require(id);
    const details = record.personalDataStored ? await ledger.residents.getPersonalData(id) : null;
    return canonicalJson({ district: details?.district ?? null });
  }

  /** Purging twice is harmless: the second call finds nothing to purge and answers the same. */
  @Transaction()
  @Returns('string')
  async PurgeResident(ctx: Context, residentId: string): Promise<string> {
    const id = parseArg('residentId', residentId);
    const ledger = openLedger(ctx);
    const caller = authorize(ctx, 'residents:PurgeResident', await requireConfig(ledger));
    const record = await ledger.residents.require(id);
    await ledger.residents.purgePersonalData(id);
    await ledger.residents.put(purgeResident(record));
    emitEvent(ctx.stub, {
      action: 'ResidentPurged',
      mspId: caller.mspId,
      actor: 'resident',
      actorId: id,
      residentId: id,
    });
    return canonicalJson({ residentId: id, purged: true });
  }
}
