import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startContractMock, type ContractMock } from './client';

let mock: ContractMock;
beforeAll(async () => (mock = await startContractMock()));
afterAll(() => mock.close());

describe('contract client', () => {
  it('reads /version with a ticket and is refused without one', async () => {
    const ok = await mock.call('GET', '/version');
    expect(ok.status).toBe(200);
    expect(ok.body?.data).toHaveProperty('version');
    const anon = await mock.call('GET', '/version', {}, null);
    expect(anon.status).toBe(401);
  });
});
