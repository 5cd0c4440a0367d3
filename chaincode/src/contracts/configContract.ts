import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { orgConfigSchema } from '../domain/config';
import { fail } from '../errors';
import { authorize } from '../identity/authorize';
import { emitEvent } from '../ledger/events';
import { openLedger, requireConfig } from '../ledger/ledger';
import { canonicalJson } from '../ledger/marshal';
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
   * chaincode definition, never through a second call, so that no single org can rewrite it.
   */
  @Transaction()
  @Returns('string')
  async InitConfig(ctx: Context, configJson: string): Promise<string> {
    const config = parseJsonArg(orgConfigSchema, configJson, 'config');
    const caller = authorize(ctx, 'config:InitConfig', config);
    const ledger = openLedger(ctx);
    if ((await ledger.config.get()) !== null) {
      fail('CONFLICT', 'the configuration is already initialised');
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
