import { createHash } from 'node:crypto';
import {
  ListSubscriptionsByTopicCommand, PublishCommand, SNSClient,
  type ListSubscriptionsByTopicCommandInput, type MessageAttributeValue, type PublishCommandInput,
} from '@aws-sdk/client-sns';
import { simulateClient } from './intercept.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { awsError, type World } from './world.ts';

/** A notice published during the drill. */
export interface PublishedMessage {
  /** Simulated time of the Publish (ISO-8601). */
  at: string;
  topicArn: string;
  subject: string | undefined;
  message: string;
  /** Message attributes by name: the string value (Binary ones base64). */
  attributes: Record<string, string>;
}

// SNS throttles with `Throttling` "Rate exceeded", unmodeled: not among the errors of
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html.
const SIM: ServiceSimulation = { service: 'sns', throttleError: 'Throttling' };
/** Message size limit: 256 KB (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html). */
const MAX_MESSAGE_BYTES = 262_144;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

const invalid = (what: string) => awsError('InvalidParameterException', `Invalid parameter: ${what}`, 400);

/** A UUID-shaped subscription id derived from the topic and the endpoint. */
const subscriptionId = (seed: string) => {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** The simulated subscribers of every topic. */
const SUBSCRIBERS = [
  { Protocol: 'email', Endpoint: 'dr-oncall@example.com' },
  { Protocol: 'https', Endpoint: 'https://hooks.example.com/dr-autopilot' },
] as const;

function attributeValue(a: MessageAttributeValue): string {
  if (a.StringValue !== undefined) return a.StringValue;
  return a.BinaryValue ? Buffer.from(a.BinaryValue).toString('base64') : '';
}

/**
 * Captures every Publish. The drill's topics are whatever ARNs the functions use: any well-formed topic
 * ARN is accepted (the topic's region is not compared with the client's). Refused like AWS does:
 * a malformed TopicArn, a Subject that is empty, 100 characters or more, or has a line break, a
 * missing or empty Message and one over 256 KB (InvalidParameterException; the last wording is
 * unconfirmed; the limits are in https://docs.aws.amazon.com/sns/latest/api/API_Publish.html). Answers a
 * MessageId (deterministic within a drill).
 *
 * ListSubscriptionsByTopic: every well-formed topic has two confirmed subscriptions (assumption: an on-call
 * mailbox by email and a chat webhook by https), SubscriptionArn = TOPIC_ARN:UUID, in one page. With the
 * `unconfirmed` drift for a topic ('internal': its name ends in `-internal`; 'external': in `-external`) both are
 * still PendingConfirmation: that is their SubscriptionArn until confirmed
 * (https://docs.aws.amazon.com/sns/latest/api/API_Subscription.html; the API shows "PendingConfirmation").
 */
export function simulateSns(world: World): SimulatedService & { published(): PublishedMessage[] } {
  const stub = simulateClient(SNSClient);
  const published: PublishedMessage[] = [];

  refuseOthers(SIM, stub);
  answer<PublishCommandInput, unknown>(world, SIM, stub, PublishCommand, (input) => {
    const topicArn = input.TopicArn ?? input.TargetArn;
    if (topicArn === undefined) throw invalid(input.PhoneNumber === undefined ? 'TopicArn or TargetArn Reason: no value for required parameter' : 'PhoneNumber (SMS is not simulated)');
    if (!TOPIC_ARN.test(topicArn)) throw invalid(input.TopicArn === undefined ? 'TargetArn' : 'TopicArn');
    const subject = input.Subject;
    if (subject !== undefined && (subject.length === 0 || subject.length >= 100 || /[\r\n]/.test(subject))) throw invalid('Subject');
    if (!input.Message) throw invalid('Message');
    if (Buffer.byteLength(input.Message, 'utf8') > MAX_MESSAGE_BYTES) throw invalid('Message too long');
    const attributes = Object.fromEntries(Object.entries(input.MessageAttributes ?? {}).map(([k, v]) => [k, attributeValue(v)]));
    published.push({ at: new Date(world.now()).toISOString(), topicArn, subject, message: input.Message, attributes });
    return { MessageId: `00000000-0000-4000-8000-${published.length.toString(16).padStart(12, '0')}` };
  });

  answer<ListSubscriptionsByTopicCommandInput, unknown>(world, SIM, stub, ListSubscriptionsByTopicCommand, (input) => {
    const topicArn = input.TopicArn ?? '';
    if (!TOPIC_ARN.test(topicArn)) throw invalid('TopicArn');
    const name = topicArn.slice(topicArn.lastIndexOf(':') + 1);
    const pending = world.drifts('unconfirmed').some((d) => name.endsWith(`-${d.topic}`));
    return {
      Subscriptions: SUBSCRIBERS.map((s) => ({
        SubscriptionArn: pending ? 'PendingConfirmation' : `${topicArn}:${subscriptionId(`${topicArn} ${s.Protocol} ${s.Endpoint}`)}`,
        Owner: topicArn.split(':')[4],
        Protocol: s.Protocol,
        Endpoint: s.Endpoint,
        TopicArn: topicArn,
      })),
    };
  });

  return {
    service: SIM.service,
    restore: () => stub.restore(),
    published: () => published.map((p) => ({ ...p, attributes: { ...p.attributes } })),
    snapshot: () => {
      const topics: Record<string, { published: number }> = {};
      for (const p of published) (topics[p.topicArn] ??= { published: 0 }).published += 1;
      return { topics };
    },
  };
}
