import 'aws-sdk-client-mock-vitest/extend';

// Powertools Logger stays quiet in tests; SDK clients get a region and dummy credentials so that
// nothing ever reaches for a real account (every client in a test is mocked).
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_REGION ??= 'ap-northeast-3';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
