import { en } from './en.ts';
import { ja } from './ja.ts';
import type { TemplateSet } from './types.ts';

export type { ExternalTemplate, InternalTemplate, TemplateSet, Words } from './types.ts';

/** Every language notices are written in (plan audiences' `languages`). */
export const TEMPLATES: Record<'ja' | 'en', TemplateSet> = { ja, en };
