import type { $ZodErrorMap } from 'zod/v4/core';

/**
 * zod/mini (the small build the functions use to parse their input) carries no messages of its own:
 * without them every problem reads "Invalid input". These name what the field needs, for the issue
 * kinds the input schemas can raise, in a few hundred bytes (zod's English locale adds 3.4 KiB to
 * every function that parses input). Schemas give their own message where a field needs more.
 *
 * Passed to each parse (`schema.safeParse(value, INPUT_PARSE)`), never set globally: zod's global
 * configuration is shared with the plan schema (full zod, with its own English messages) wherever
 * both are loaded, as in the CLI.
 */
const inputMessage: $ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `required: expected ${issue.expected}` : `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'too_small':
      return `at least ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''}`;
    case 'too_big':
      return `at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''}`;
    case 'invalid_format':
      return `must match ${issue.pattern ?? issue.format}`;
    default:
      return 'invalid value';
  }
};

export const INPUT_PARSE = { error: inputMessage } as const;
