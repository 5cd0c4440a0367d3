import { orgConfigSchema, type OrgConfig } from '../domain/config';
import { keys } from './keys';
import type { LedgerState } from './ledgerState';

export class ConfigRepository {
  constructor(private readonly state: LedgerState) {}

  async get(): Promise<OrgConfig | null> {
    return this.state.read(keys.config(), orgConfigSchema, 'config');
  }

  async put(config: OrgConfig): Promise<void> {
    await this.state.write(keys.config(), config);
  }
}
