import { Logger } from '@aws-lambda-powertools/logger';
import type { ActionContext } from '../../shared/components/types.ts';
import { createAwsClients } from '../../shared/aws/clients.ts';
import { loadPlanFile } from '../../shared/plan/load.ts';
import type { ComponentOf, ComponentType } from '../../shared/plan/schema.ts';

export const PRIMARY = 'ap-northeast-1';
export const SECONDARY = 'ap-northeast-3';
export const INCIDENT = new Date('2026-11-29T01:00:00.000Z');

/** The example plan's component with this id, typed, with overrides merged into its params. */
export async function exampleComponent<T extends ComponentType>(
  type: T,
  id: string,
  params: Partial<ComponentOf<T>['params']> = {},
): Promise<ComponentOf<T>> {
  const plan = await loadPlanFile(new URL('../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
  const found = plan.components.find((c) => c.id === id);
  if (!found || found.type !== type) throw new Error(`example plan has no ${type} component ${id}`);
  const typed = found as ComponentOf<T>;
  return { ...typed, params: { ...typed.params, ...params } };
}

export function actionContext<T extends ComponentType>(
  component: ComponentOf<T>,
  overrides: Partial<Omit<ActionContext<T>, 'component'>> = {},
): ActionContext<T> {
  return {
    component,
    regions: { primary: PRIMARY, secondary: SECONDARY },
    direction: 'forward',
    mode: 'unplanned',
    incidentStartedAt: INCIDENT,
    now: new Date(INCIDENT.getTime() + 5 * 60_000),
    clients: createAwsClients(),
    logger: new Logger({ serviceName: 'dr-autopilot-test', logLevel: 'SILENT' }),
    force: false,
    beforeOneWay: async () => undefined,
    ...overrides,
  };
}
