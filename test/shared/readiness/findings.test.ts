import { describe, expect, it } from 'vitest';
import { reading } from '../../../shared/readiness/findings.ts';

describe('reading', () => {
  it('gives up on a read that does not answer in time: unknown, at risk, and the assessment goes on', async () => {
    // Prepare
    const never = () => new Promise<string>(() => undefined);
    // Act
    const read = await reading('replica-exists', 'replica dataset-db-osaka in ap-northeast-3', never, 20);
    // Assess
    expect(read).toEqual({ failed: { check: 'replica-exists', status: 'at-risk', detail: 'replica dataset-db-osaka in ap-northeast-3: could not be read (TimeoutError: no answer within 0.02 s); readiness unknown until it answers' } });
  });
});
