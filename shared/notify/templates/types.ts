import type { ExternalStatus, Stage } from '../stages.ts';
import type { Severity } from '../severity.ts';

/**
 * One language's notices, as data: Mustache templates (logic-less: `{{name}}` values, `{{#list}}`
 * sections, `{{^x}}` when x is empty) rendered by render.ts. The values a template may use are the
 * view render.ts builds (listed in render.ts `InternalView` and `ExternalView`); external templates
 * see only the allowlisted view.
 *
 * Internal text is AWS Chatbot `client-markdown` (Slack mrkdwn: `*bold*`, `:emoji:`); values are
 * escaped for it (`&`, `<`, `>`). External text is plain, for e-mail and SMS-like subscribers.
 */
export interface InternalTemplate {
  /** SNS Subject: one line, cut to fewer than 100 characters after rendering. */
  subject: string;
  /** Chatbot content.title. */
  title: string;
  /**
   * Chatbot content.description. The final stages' (run-completed, run-failed, run-aborted) end with
   * the report line: `{{#reportLink}}` (`{{url}}`, the S3 console page; `{{uri}}`, s3://…) or
   * `{{#reportError}}` (why it was not written); neither when the run wrote no report.
   */
  description: string;
  /** Chatbot content.nextSteps, one template per step. */
  nextSteps: string[];
}

export interface ExternalTemplate {
  subject: string;
  body: string;
}

export interface Words {
  severity: Record<Severity, string>;
  mode: Record<'planned' | 'unplanned', string>;
  trigger: Record<'console' | 'alarm', string>;
  /** RTO/RPO met: true, false, null (not measured). */
  met: { yes: string; no: string; unknown: string };
  tierStatus: Record<'recovered' | 'failed' | 'not-started', string>;
  outcome: Record<'recovered' | 'failed' | 'aborted', string>;
  /** "not measured" / "unknown" in place of a missing number or time. */
  unknown: string;
  /** Words standing for the failed execution's ARN when the notice does not know it (the operator gives it). */
  failedExecution: string;
  /** Separator when a list is written on one line. */
  listSeparator: string;
  /** The external status words. */
  status: Record<ExternalStatus, string>;
  /** External: what the disruption means for users, by severity (plain words, no system names). */
  impact: Record<Severity, string>;
}

export interface TemplateSet {
  language: 'ja' | 'en';
  words: Words;
  internal: Record<Stage, InternalTemplate>;
  /** Only the stages outsiders hear of (stages.ts STAGE_DEFINITIONS `external`). */
  external: Partial<Record<Stage, ExternalTemplate>>;
  /** Mustache partials external templates include with `{{> name}}` (the same allowlisted view). */
  externalPartials: Record<string, string>;
}
