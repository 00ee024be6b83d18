import { clip } from './text.ts';

/**
 * AWS Chatbot (Amazon Q Developer in chat applications) custom notification, as documented
 * (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html): `version` "1.0" and
 * `source` "custom" are required; the rest is optional. AWS's minimal sample sends only
 * `content.description`, so every notice sends one.
 * A plain-text SNS message to a Chatbot-subscribed topic is dropped silently, so internal notices
 * are always this JSON.
 */
export interface ChatbotNotification {
  version: '1.0';
  source: 'custom';
  id?: string;
  content: {
    textType?: 'client-markdown';
    title?: string;
    description: string;
    nextSteps?: string[];
    keywords?: string[];
  };
  metadata?: {
    threadId?: string;
    summary?: string;
    eventType?: string;
    relatedResources?: string[];
    additionalContext?: Record<string, string>;
  };
}

/**
 * Limits we keep to. AWS publishes none (the parameter table was cut off in every copy); Slack caps a
 * section's text at 3,000 characters, so the description stays within that and the rest short.
 */
export const CHAT_LIMITS = { title: 250, description: 3000, nextStep: 500, nextSteps: 5, keyword: 50, keywords: 5, summary: 250, id: 128 } as const;

/** Ids and thread ids: letters, digits, `-` and `_` only. */
export const chatId = (text: string): string => clip(text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, ''), CHAT_LIMITS.id).replace(/…$/, '');

export interface ChatParts {
  id: string;
  title: string;
  description: string;
  nextSteps: string[];
  keywords: string[];
  threadId: string;
  summary: string;
  eventType: string;
  relatedResources: string[];
  additionalContext: Record<string, string>;
}

/** The custom notification for one internal notice, every field within CHAT_LIMITS. */
export function chatbotNotification(parts: ChatParts): ChatbotNotification {
  return {
    version: '1.0',
    source: 'custom',
    id: chatId(parts.id),
    content: {
      textType: 'client-markdown',
      title: clip(parts.title, CHAT_LIMITS.title),
      description: clip(parts.description, CHAT_LIMITS.description),
      nextSteps: parts.nextSteps.slice(0, CHAT_LIMITS.nextSteps).map((s) => clip(s, CHAT_LIMITS.nextStep)),
      keywords: parts.keywords.filter((k) => k !== '').slice(0, CHAT_LIMITS.keywords).map((k) => clip(k, CHAT_LIMITS.keyword)),
    },
    metadata: {
      threadId: chatId(parts.threadId),
      summary: clip(parts.summary, CHAT_LIMITS.summary),
      eventType: parts.eventType,
      relatedResources: parts.relatedResources.filter((r) => r !== ''),
      additionalContext: parts.additionalContext,
    },
  };
}

/** Readable text of a notification (the drill's report and progress output): title, description, next steps. */
export function chatText(n: ChatbotNotification): string {
  const steps = n.content.nextSteps ?? [];
  return [n.content.title, n.content.description, ...(steps.length ? ['', ...steps.map((s) => `→ ${s}`)] : [])].filter((l) => l !== undefined).join('\n');
}

/** The Chatbot custom notification a published SNS message holds, or null when it is plain text. */
export function parseChatbotMessage(message: string): ChatbotNotification | null {
  try {
    const parsed = JSON.parse(message) as Partial<ChatbotNotification>;
    if (parsed?.version === '1.0' && parsed.source === 'custom' && typeof parsed.content?.description === 'string') return parsed as ChatbotNotification;
  } catch {
    // plain text
  }
  return null;
}

/**
 * What a published message says to a person (the drill's report and progress output): the readable
 * text of a Chatbot notification, or the message itself when it is plain text (external notices,
 * approval requests).
 */
export function readableMessage(message: string): string {
  const chat = parseChatbotMessage(message);
  return chat ? chatText(chat) : message;
}

/** Slack section blocks take at most 3,000 characters of text (https://api.slack.com/reference/block-kit/blocks#section). */
const SLACK_SECTION_CHARS = 3000;
/** Slack's notification text: kept well under the ~4,000 characters Slack advises. */
const SLACK_TEXT_CHARS = 3000;

export interface SlackMessage {
  text: string;
  blocks: { type: 'section'; text: { type: 'mrkdwn'; text: string } }[];
}

/**
 * A Slack incoming-webhook body (https://api.slack.com/messaging/webhooks): `text` is the notification/fallback text, the blocks
 * carry the title and description, then the next steps, each section within 3,000 characters.
 */
export function slackMessage(n: ChatbotNotification): SlackMessage {
  const head = [n.content.title ? `*${n.content.title}*` : undefined, n.content.description].filter((l) => l !== undefined).join('\n');
  const steps = (n.content.nextSteps ?? []).map((s) => `→ ${s}`).join('\n');
  const blocks: SlackMessage['blocks'] = [{ type: 'section', text: { type: 'mrkdwn', text: clip(head, SLACK_SECTION_CHARS) } }];
  if (steps !== '') blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(steps, SLACK_SECTION_CHARS) } });
  return { text: clip(n.metadata?.summary ?? n.content.title ?? n.content.description, SLACK_TEXT_CHARS), blocks };
}
