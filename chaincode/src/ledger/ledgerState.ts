import type { Context } from 'fabric-contract-api';
import type { z } from 'zod';
import type { KeySpec } from './keys';
import { marshal, unmarshal } from './marshal';

export type Stub = Context['stub'];

/** Typed reads and writes of public state through composite keys and the one marshal(). */
export class LedgerState {
  constructor(readonly stub: Stub) {}

  key(spec: KeySpec): string {
    return this.stub.createCompositeKey(spec.objectType, [...spec.attributes]);
  }

  async read<T extends z.ZodType>(
    spec: KeySpec,
    schema: T,
    what: string,
  ): Promise<z.output<T> | null> {
    const bytes = await this.stub.getState(this.key(spec));
    return bytes.length === 0 ? null : unmarshal(bytes, schema, what);
  }

  async write(spec: KeySpec, value: unknown): Promise<void> {
    await this.stub.putState(this.key(spec), marshal(value));
  }

  async remove(spec: KeySpec): Promise<void> {
    await this.stub.deleteState(this.key(spec));
  }
}
