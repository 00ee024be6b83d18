import { afterEach, describe, expect, it, vi } from 'vitest';
import { STATE_TABLE_DEFINITION, STATE_TABLE_KEYS, stateTableName } from '../../../shared/state/table.ts';

describe('state table', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('is keyed by id (S) and sk (S), the keys Powertools idempotency uses with sortKeyAttr', () => {
    expect(STATE_TABLE_KEYS).toEqual({ partitionKey: 'id', sortKey: 'sk', ttl: 'expiration' });
    expect(STATE_TABLE_DEFINITION.KeySchema).toEqual([
      { AttributeName: 'id', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(STATE_TABLE_DEFINITION.AttributeDefinitions).toEqual([
      { AttributeName: 'id', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ]);
  });

  it('reads its name from STATE_TABLE_NAME and says so when it is not set', () => {
    vi.stubEnv('STATE_TABLE_NAME', 'dr-autopilot-prod-state');
    expect(stateTableName()).toBe('dr-autopilot-prod-state');
    vi.stubEnv('STATE_TABLE_NAME', '');
    expect(() => stateTableName()).toThrow(/STATE_TABLE_NAME is not set/);
  });
});
