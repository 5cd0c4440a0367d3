import { findOnLaggingPeer } from '../../../gateway/src/fabric/fabricLedger.js';

/** A follower peer that commits one more block on every height query until it reaches 12. */
function peers(committedAt: number) {
  let follower = 10;
  return {
    lookUp: () => Promise.resolve(follower >= committedAt ? 'the transaction' : undefined),
    heights: {
      leader: () => Promise.resolve(12),
      follower: () => Promise.resolve(follower < 12 ? follower++ : follower),
    },
  };
}

describe('finding a transaction on the regulator’s peer', () => {
  it('waits for a peer a block or two behind the gateway’s to reach its height, then finds it', async () => {
    const { lookUp, heights } = peers(12);
    await expect(findOnLaggingPeer(lookUp, heights, 5000, 1)).resolves.toBe('the transaction');
  });

  it('answers not found at once when the peer is level with the gateway’s', async () => {
    const lookUps: string[] = [];
    const found = await findOnLaggingPeer<string>(
      () => {
        lookUps.push('look');
        return Promise.resolve(undefined);
      },
      { leader: () => Promise.resolve(12), follower: () => Promise.resolve(12) },
      5000,
      1,
    );
    expect(found).toBeUndefined();
    expect(lookUps).toHaveLength(1);
  });

  it('gives up after the wait when the peer does not catch up', async () => {
    const found = await findOnLaggingPeer<string>(
      () => Promise.resolve(undefined),
      { leader: () => Promise.resolve(12), follower: () => Promise.resolve(10) },
      20,
      1,
    );
    expect(found).toBeUndefined();
  });
});
