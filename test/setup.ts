import 'aws-sdk-client-mock-vitest/extend';

// Powertools Logger stays quiet in tests; SDK clients get a region and dummy credentials so that
// nothing ever reaches for a real account (every client in a test is mocked).
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_REGION ??= 'ap-northeast-3';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';

// Handler unit tests look at one function's logic: Powertools idempotency is off unless a test (or the
// drill, which runs its own local DynamoDB) turns it on. The state table's name is the deployed one's.
process.env.POWERTOOLS_IDEMPOTENCY_DISABLED ??= 'true';
process.env.STATE_TABLE_NAME ??= 'dr-autopilot-state';
