import type { TemplateSet } from './types.ts';

/** English notices. Internal: operations, development, executives (chat, client-markdown). External: customers, vendors, regulators. */
export const en: TemplateSet = {
  language: 'en',
  words: {
    severity: { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' },
    mode: { planned: 'planned switchover', unplanned: 'unplanned failover' },
    trigger: { console: 'started by', alarm: 'alarm' },
    met: { yes: 'met', no: 'MISSED', unknown: 'not measured' },
    tierStatus: { recovered: 'recovered', failed: 'failed', 'not-started': 'not started' },
    outcome: { recovered: 'recovered', failed: 'failed', aborted: 'aborted' },
    unknown: 'n/a',
    failedExecution: '<ARN of the failed execution>',
    listSeparator: ', ',
    status: {
      recovering: 'Recovery in progress',
      restored: 'Restored',
      continuing: 'Recovery continuing',
      assessing: 'Under assessment',
    },
    impact: {
      critical: 'Our service is unavailable or severely degraded.',
      high: 'Parts of our service are unavailable or degraded.',
      medium: 'Some functions may be slow or temporarily unavailable.',
      low: 'Minor impact: most functions remain available.',
    },
  },

  internal: {
    'run-started': {
      subject: '[dr-autopilot][{{severity}}] Recovery started: {{scenario}} ({{plan}})',
      title: ':rotating_light: [{{severity}}] Recovery started: {{scenarioName}}',
      description: `*Plan:* {{plan}} | *Scenario:* {{scenario}} ({{mode}})
*Severity:* {{severity}}
{{#trigger}}
*Trigger:* {{kind}} {{by}}{{#reason}}: {{reason}}{{/reason}}
{{/trigger}}
*Incident start:* {{startedAt}}
*Impact:* {{componentCount}} component(s) in {{tierCount}} tier(s) to recover:
{{#tiers}}
• {{id}}: RTO {{target}}, due {{due}}: {{components}}
{{/tiers}}
*Execution:* {{execution}}{{#resumeOf}} (resumes {{resumeOf}}){{/resumeOf}}`,
      nextSteps: [
        'Follow execution {{execution}} in the Step Functions console ({{region}}).',
        'Approval requests and manual steps arrive on the internal topic: answer with `npx dr-autopilot approve|reject --region {{region}} --token …`.',
      ],
    },
    'approval-needed': {
      subject: '[dr-autopilot][{{severity}}] Decision pending: approval before {{approval.tier}} ({{scenario}})',
      title: ':raised_hand: [{{severity}}] Decision pending: approval needed for {{scenarioName}}',
      description: `*Plan:* {{plan}} | *Scenario:* {{scenario}} ({{mode}})
The run waits before {{approval.tier}} for approval of its one-way steps: {{approval.oneWay}}.
*Deadline:* {{approval.deadline}} ({{approval.timeout}} from now). No answer by then is a denial: the run stops before these steps.
*Execution:* {{execution}}`,
      nextSteps: [
        'The approval request, with what it costs and the answer commands, went to the approvers on the internal topic.',
        'Approvers: answer with `npx dr-autopilot approve` or `reject` before the deadline.',
      ],
    },
    'tier-recovered': {
      subject: '[dr-autopilot][{{severity}}] Tier recovered: {{tier.id}} in {{tier.achieved}} (target {{tier.target}})',
      title: ':white_check_mark: Tier {{tier.id}} recovered in {{tier.achieved}} (RTO target {{tier.target}}: {{tier.met}})',
      description: `*Plan:* {{plan}} | *Scenario:* {{scenario}}
*Tier:* {{tier.id}}{{#tier.name}}: {{tier.name}}{{/tier.name}}
*RTO:* achieved {{tier.achieved}} against a target of {{tier.target}}: {{tier.met}}
{{#progress}}
*Progress:* {{done}} of {{total}} tier(s) recovered
{{/progress}}
*Next:* {{#next}}{{next}}{{/next}}{{^next}}final verification{{/next}}
*Execution:* {{execution}}`,
      nextSteps: ['No action needed: the next tier starts on its own.'],
    },
    'component-failed': {
      subject: '[dr-autopilot][{{severity}}] Escalation: {{componentIds}} failed ({{scenario}})',
      title: ':x: [{{severity}}] Escalation: recovery of {{componentIds}} failed',
      description: `*Plan:* {{plan}} | *Scenario:* {{scenario}} ({{mode}})
{{#components}}
• {{id}} ({{type}}, {{tier}}) failed after {{attempts}} attempt(s){{#error}}: {{name}}: {{message}}{{/error}}
{{/components}}
The tier does not count as recovered and later tiers do not start.
*Execution:* {{execution}}`,
      nextSteps: [
        'Operations: find the cause in the execution history and the function logs.',
        'When the run has stopped and the cause is fixed, resume the incident: start an execution with `{"scenario": "{{scenario}}", "mode": "{{modeId}}", "reason": "…", "requestedBy": "…", "resumeOf": "{{executionId}}"}` (recovered components are not run again).',
        'Escalate to the DR lead and the development team now.',
      ],
    },
    'run-completed': {
      subject: '[dr-autopilot][{{severity}}] Recovery completed: {{scenario}} ({{plan}}) in {{duration}}',
      title: ':white_check_mark: Recovery completed: {{scenarioName}} in {{duration}}',
      description: `*Plan:* {{plan}} | *Scenario:* {{scenario}} ({{mode}}) | *Severity:* {{severity}}
{{#reportLink}}
*Report:* {{url}} ({{uri}})
{{/reportLink}}
{{#reportError}}
*Report:* not written ({{reportError}})
{{/reportError}}
*Incident start:* {{startedAt}} | *Finished:* {{finishedAt}}
*RTO per tier:*
{{#tiers}}
• {{id}}: {{achieved}} (target {{target}}): {{met}}
{{/tiers}}
*RPO per data class:*
{{#rpo}}
• {{dataClass}}: {{measured}} (target {{target}}): {{met}}{{#source}} [{{source}}]{{/source}}
{{/rpo}}
{{^rpo}}
• none measured
{{/rpo}}
{{#checks}}
*Checks:* {{passed}} passed, {{failed}} failed, {{skipped}} skipped{{#failedNames}} (failed: {{failedNames}}){{/failedNames}}
{{/checks}}`,
      nextSteps: [
        'Confirm the service with the application owners and tell the business.',
        'Plan the return to {{primary}} once it is healthy; record these RTO and RPO figures in the incident report.',
      ],
    },
    'run-failed': {
      subject: '[dr-autopilot][{{severity}}] Recovery FAILED: {{scenario}} ({{plan}})',
      title: ':red_circle: [{{severity}}] Recovery failed: {{scenarioName}}',
      description: `*Plan:* {{plan}} | *Scenario:* {{scenario}} ({{mode}}) | *Severity:* {{severity}}
{{#reportLink}}
*Report:* {{url}} ({{uri}})
{{/reportLink}}
{{#reportError}}
*Report:* not written ({{reportError}})
{{/reportError}}
*Why:* {{reason}}
{{#components}}
• {{id}} ({{type}}, {{tier}}) failed{{#error}}: {{name}}: {{message}}{{/error}}
{{/components}}
{{#leftChanged.length}}
*Left changed (a stopped tier; nothing reverts them):*
{{/leftChanged.length}}
{{#leftChanged}}
• {{id}} ({{type}}, {{tier}}): recovered before the run stopped — undo it by hand, or run the plan's failback scenario once the rest is consistent
{{/leftChanged}}
*RTO per tier:*
{{#tiers}}
• {{id}}: {{status}}, {{achieved}} (target {{target}}): {{met}}
{{/tiers}}
*RPO per data class:*
{{#rpo}}
• {{dataClass}}: {{measured}} (target {{target}}): {{met}}
{{/rpo}}
{{^rpo}}
• none measured
{{/rpo}}
{{#checks}}
*Checks:* {{passed}} passed, {{failed}} failed, {{skipped}} skipped{{#failedNames}} (failed: {{failedNames}}){{/failedNames}}
{{/checks}}
*Incident start:* {{startedAt}} | *Stopped:* {{finishedAt}}`,
      nextSteps: [
        'Operations: fix the cause, then resume the incident: start an execution with `{"scenario": "{{scenario}}", "mode": "{{modeId}}", "reason": "…", "requestedBy": "…", "resumeOf": "{{resumeTarget}}"}` (recovered components are not run again).',
        'Escalate to the DR lead; recover the rest by hand if the RTO is at risk.',
      ],
    },
    'run-aborted': {
      subject: '[dr-autopilot][{{severity}}] Recovery aborted: {{scenario}} ({{plan}})',
      title: ':octagonal_sign: [{{severity}}] Recovery aborted: {{scenarioName}}',
      description: `*Plan:* {{plan}} | *Scenario:* {{scenario}} ({{mode}}) | *Severity:* {{severity}}
{{#reportLink}}
*Report:* {{url}} ({{uri}})
{{/reportLink}}
{{#reportError}}
*Report:* not written ({{reportError}})
{{/reportError}}
*Why:* {{reason}}
The run stopped before its next one-way step.
{{#leftChanged.length}}
*Left changed (a stopped tier; nothing reverts them):*
{{/leftChanged.length}}
{{#leftChanged}}
• {{id}} ({{type}}, {{tier}}): recovered before the run stopped — undo it by hand, or run the plan's failback scenario once the rest is consistent
{{/leftChanged}}
{{#tiers}}
• {{id}}: {{status}}
{{/tiers}}
*Incident start:* {{startedAt}} | *Stopped:* {{finishedAt}}`,
      nextSteps: ['DR lead: decide whether the incident still needs a recovery; if so, start a new run or resume this incident.'],
    },
  },

  externalPartials: {
    estimates: `{{#core}}
{{#restored}}
Core functions: restored
{{/restored}}
{{#expected}}
Core functions: expected by {{by}} (within {{within}} of the start)
{{/expected}}
{{#overdue}}
Core functions: taking longer than planned
{{/overdue}}
{{/core}}
{{#expected}}
Expected full recovery: by {{by}} (within {{within}} of the start)
{{/expected}}
{{#overdue}}
Expected full recovery: recovery is taking longer than planned; we will give a new estimate in the next update.
{{/overdue}}
Next update: by {{nextUpdateBy}}, or sooner if the situation changes.
`,
  },

  external: {
    'run-started': {
      subject: '[Service notice] Service disruption: recovery in progress',
      body: `Service notice: service disruption

Status: {{status}}
Severity: {{severity}}
Impact: {{impact}}
Began: {{startedAt}}
{{> estimates}}

We are sorry for the inconvenience and are working to restore the service as quickly as possible.`,
    },
    'tier-recovered': {
      subject: '[Service notice] Recovery progress{{#progress}}: {{done}} of {{total}} stages completed{{/progress}}',
      body: `Service notice: recovery progress

Status: {{status}}{{#progress}} ({{done}} of {{total}} recovery stages completed){{/progress}}
Severity: {{severity}}
Impact: {{impact}}
Began: {{startedAt}}
{{> estimates}}`,
    },
    'run-completed': {
      subject: '[Service notice] Service restored',
      body: `Service notice: service restored

Status: {{status}}
Severity: {{severity}}
The service was restored at {{restoredAt}}{{#downtime}}, {{downtime}} after the disruption began{{/downtime}} (began: {{startedAt}}).

This is the final update on this incident. Thank you for your patience.`,
    },
    'run-failed': {
      subject: '[Service notice] Recovery continuing',
      body: `Service notice: recovery continuing

Status: {{status}}
Severity: {{severity}}
Impact: {{impact}}
Began: {{startedAt}}
Automated recovery could not be completed; our engineers are continuing the recovery.
{{> estimates}}

We are sorry for the inconvenience.`,
    },
    'run-aborted': {
      subject: '[Service notice] Status update: under assessment',
      body: `Service notice: status update

Status: {{status}}
Severity: {{severity}}
Began: {{startedAt}}
The switch to our backup systems was not carried out. Our team continues to assess the situation.
Next update: by {{nextUpdateBy}}, or sooner if the situation changes.`,
    },
  },
};
