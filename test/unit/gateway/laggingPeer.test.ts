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

  it('finds a transaction the peer committed between its first look and its height being read', async () => {
    // Seen on the real network: the first look missed by 10 ms, and by the time the heights were
    // read the regulator's peer was level with the gateway's.
    let committed = false;
    const found = await findOnLaggingPeer<string>(
      () => Promise.resolve(committed ? 'the transaction' : undefined),
      {
        leader: () => Promise.resolve(12),
        follower: () => {
          committed = true;
          return Promise.resolve(12);
        },
      },
      5000,
      1,
    );
    expect(found).toBe('the transaction');
  });

  it('answers not found once the peer, level with the gateway’s, was looked at twice', async () => {
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
    expect(lookUps).toHaveLength(2);
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
