/** An EventBridge "CloudWatch Alarm State Change" event as AWS delivers it (AWS's metric-alarm sample, renamed:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html). */
export function alarmEvent(alarmName: string, value: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA', timestamp: string, region: string) {
  return {
    version: '0',
    id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: `${timestamp.slice(0, 19)}Z`,
    region,
    resources: [`arn:aws:cloudwatch:${region}:123456789012:alarm:${alarmName}`],
    detail: {
      alarmName,
      configuration: {
        description: 'Goes into alarm when the primary region stops answering',
        metrics: [
          {
            id: '30b6c6b2-a864-43a2-4877-c09a1afc3b87',
            metricStat: { metric: { dimensions: { Region: 'primary' }, name: 'HealthCheckStatus', namespace: 'AWS/Route53' }, period: 60, stat: 'Minimum' },
            returnData: true,
          },
        ],
      },
      previousState: { reason: 'Threshold Crossed: no datapoints were less than the threshold', timestamp: '2026-11-28T17:04:40.987+0000', value: 'OK' },
      state: {
        reason: 'Threshold Crossed: 3 out of the last 3 datapoints [0.0 (29/11/26 09:27:00)] were less than the threshold (1.0)',
        reasonData: '{"version":"1.0","queryDate":"2026-11-29T09:29:59.985+0000","statistic":"Minimum","period":60,"recentDatapoints":[0.0,0.0,0.0],"threshold":1.0}',
        timestamp,
        value,
      },
    },
  };
}
