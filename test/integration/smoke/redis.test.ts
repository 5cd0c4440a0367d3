import { waitForPing } from '../../helpers/redisServer.js';

describe('the shared test Redis', () => {
  it('answers PING at the URL that globalSetup exported', async () => {
    const url = process.env.REDIS_URL;
    expect(url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    await waitForPing(Number(new URL(url!).port), 2000);
  });
});
