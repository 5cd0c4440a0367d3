import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import {
  assertConfigWritable,
  assertPinnedConfig,
  configDigest,
  orgConfigSchema,
} from '../domain/config';
import { authorize } from '../identity/authorize';
import { emitEvent } from '../ledger/events';
import { openLedger, requireConfig } from '../ledger/ledger';
import { canonicalJson } from '../ledger/marshal';
import { isInitTransaction } from '../ledger/proposal';
import { pinnedConfigDigest } from '../runtime';
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
   * again (it tracks init per version): never through a second ordinary call. Each endorser
   * accepts only the config its organisation approved (its server's pinned digest), so neither
   * the first config nor a replacement at an upgrade is one department's choice. The stored
   * config is not parsed here: a new version may change its shape.
   */
  @Transaction()
  @Returns('string')
  async InitConfig(ctx: Context, configJson: string): Promise<string> {
    const config = parseJsonArg(orgConfigSchema, configJson, 'config');
    assertPinnedConfig(configDigest(canonicalJson(config)), pinnedConfigDigest());
    const caller = authorize(ctx, 'config:InitConfig', config);
    const ledger = openLedger(ctx);
    assertConfigWritable(await ledger.config.exists(), isInitTransaction(ctx.stub));
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
