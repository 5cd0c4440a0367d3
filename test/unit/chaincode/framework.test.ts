// fabric-contract-api 2.5.8 asks for class-transformer ^0.4.0, whose 0.4.1 release renamed
// classToPlain; the chaincodes' package.json pin 0.4.0 so that object results, such as the
// org.hyperledger.fabric:GetMetadata answer, still serialize.
import { JSONSerializer } from 'fabric-contract-api';

describe('the contract framework as installed', () => {
  it('serializes an object result, as GetMetadata returns one', () => {
    const serializer = new JSONSerializer();
    const bytes = serializer.toBuffer(
      { contracts: { polls: { name: 'polls' } } },
      { type: 'object' },
    );
    expect(JSON.parse(Buffer.from(bytes).toString('utf8'))).toEqual({
      contracts: { polls: { name: 'polls' } },
    });
  });
});
