import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';

// The department-only collection of the baseline definition, where the network's tests check
// that private data stays off the regulator's peer and only its hash reaches the block.
const collection = 'baselinePrivate';
const maxKeyLength = 256;

function checkKey(key: string): void {
  if (key.length === 0 || key.length > maxKeyLength || key.startsWith('\u0000')) {
    throw new Error(`INVALID_ARGUMENT: key must be 1..${maxKeyLength} characters`);
  }
}

@Info({
  title: 'Baseline',
  description: 'Trivial writes and reads for network tests and benchmarks',
})
export class BaselineContract extends Contract {
  constructor() {
    super('baseline');
  }

  @Transaction()
  public async Put(ctx: Context, key: string, value: string): Promise<void> {
    checkKey(key);
    await ctx.stub.putState(key, Buffer.from(value, 'utf8'));
  }

  @Transaction(false)
  @Returns('string')
  public async Get(ctx: Context, key: string): Promise<string> {
    checkKey(key);
    const value = await ctx.stub.getState(key);
    if (value.length === 0) throw new Error(`NOT_FOUND: no value at ${key}`);
    return Buffer.from(value).toString('utf8');
  }

  /** Reads the value from the transient field `value`, so it never appears in the proposal's arguments. */
  @Transaction()
  public async PutPrivate(ctx: Context, key: string): Promise<void> {
    checkKey(key);
    const value = ctx.stub.getTransient().get('value');
    if (value === undefined)
      throw new Error('INVALID_ARGUMENT: transient field "value" is required');
    await ctx.stub.putPrivateData(collection, key, value);
  }

  @Transaction(false)
  @Returns('string')
  public async GetPrivate(ctx: Context, key: string): Promise<string> {
    checkKey(key);
    const value = await ctx.stub.getPrivateData(collection, key);
    if (value.length === 0) throw new Error(`NOT_FOUND: no private value at ${key}`);
    return Buffer.from(value).toString('utf8');
  }
}
