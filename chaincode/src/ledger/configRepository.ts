import { orgConfigSchema, type OrgConfig } from '../domain/config';
import { keys } from './keys';
import type { LedgerState } from './ledgerState';

export class ConfigRepository {
  constructor(private readonly state: LedgerState) {}

  async get(): Promise<OrgConfig | null> {
    return this.state.read(keys.config(), orgConfigSchema, 'config');
  }

  /** Whether a config is stored, whatever its shape (an older version's config is replaced). */
  async exists(): Promise<boolean> {
    return (await this.state.stub.getState(this.state.key(keys.config()))).length > 0;
  }

  async put(config: OrgConfig): Promise<void> {
    await this.state.write(keys.config(), config);
  }
}
