import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { assertConfigWritable, orgConfigSchema } from '../domain/config';
import { authorize } from '../identity/authorize';
import { emitEvent } from '../ledger/events';
import { openLedger, requireConfig } from '../ledger/ledger';
import { canonicalJson } from '../ledger/marshal';
import { isInitTransaction } from '../ledger/proposal';
import { parseJsonArg } from './args';

@Info({
  title: 'config',
  description: 'The organisational configuration, written once at deployment',
})
export class ConfigContract extends Contract {
  constructor() {
    super('config');
  }

  /**
   * The init transaction of a definition that requires init. The config changes only with a new
   * chaincode version, whose definition every org approves and whose init the peer requires
   * again (it tracks init per version): never through a second ordinary call, so that no single
   * org can rewrite it. A replacement is submitted by a department of the stored config and of
   * the new one.
   */
  @Transaction()
  @Returns('string')
  async InitConfig(ctx: Context, configJson: string): Promise<string> {
    const config = parseJsonArg(orgConfigSchema, configJson, 'config');
    const caller = authorize(ctx, 'config:InitConfig', config);
    const ledger = openLedger(ctx);
    const stored = await ledger.config.get();
    assertConfigWritable(stored, isInitTransaction(ctx.stub));
    if (stored !== null) {
      authorize(ctx, 'config:InitConfig', stored);
    }
    await ledger.config.put(config);
    emitEvent(ctx.stub, { action: 'ConfigInitialised', mspId: caller.mspId, actor: 'system' });
    return canonicalJson(config);
  }

  @Transaction(false)
  @Returns('string')
  async GetConfig(ctx: Context): Promise<string> {
    authorize(ctx, 'config:GetConfig', null);
    return canonicalJson(await requireConfig(openLedger(ctx)));
  }
}
