import { personalDataSchema, type PersonalData } from '@veche/common';
import { residentRecordSchema, type ResidentRecord } from '../domain/resident';
import { fail } from '../errors';
import { keys, PERSONAL_DATA_COLLECTION } from './keys';
import type { LedgerState } from './ledgerState';
import { marshal, unmarshal } from './marshal';

/**
 * Public resident records and their personal details in the private collection. Only a hash of
 * the private value reaches the block; the value itself stays on the collection's peers.
 */
export class ResidentRepository {
  constructor(private readonly state: LedgerState) {}

  async get(residentId: string): Promise<ResidentRecord | null> {
    return this.state.read(keys.resident(residentId), residentRecordSchema, 'resident');
  }

  async require(residentId: string): Promise<ResidentRecord> {
    return (await this.get(residentId)) ?? fail('NOT_FOUND', 'no resident has this ID');
  }

  async put(record: ResidentRecord): Promise<void> {
    await this.state.write(keys.resident(record.residentId), record);
  }

  private privateKey(residentId: string): string {
    return this.state.key(keys.resident(residentId));
  }

  async getPersonalData(residentId: string): Promise<PersonalData | null> {
    const bytes = await this.state.stub.getPrivateData(
      PERSONAL_DATA_COLLECTION,
      this.privateKey(residentId),
    );
    return bytes.length === 0 ? null : unmarshal(bytes, personalDataSchema, 'personal data');
  }

  async putPersonalData(residentId: string, details: PersonalData): Promise<void> {
    await this.state.stub.putPrivateData(
      PERSONAL_DATA_COLLECTION,
      this.privateKey(residentId),
      marshal(details),
    );
  }

  /**
   * Purges rather than deletes: a delete would leave earlier versions in the peers' private
   * history. The hash check avoids purging a key that holds nothing.
   */
  async purgePersonalData(residentId: string): Promise<void> {
    const key = this.privateKey(residentId);
    const hash = await this.state.stub.getPrivateDataHash(PERSONAL_DATA_COLLECTION, key);
    if (hash.length > 0) {
      await this.state.stub.purgePrivateData(PERSONAL_DATA_COLLECTION, key);
    }
  }
}
