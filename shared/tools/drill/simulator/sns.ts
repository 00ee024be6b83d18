import { PublishCommand, SNSClient, type MessageAttributeValue, type PublishCommandInput } from '@aws-sdk/client-sns';
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
