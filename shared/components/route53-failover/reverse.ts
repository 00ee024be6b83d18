import type { Reversal } from '../definition.ts';
import type { Params } from './params.ts';

/**
 * The reverse direction: traffic goes back to the primary. routing-control: the two routing controls
 * swap roles (the primary's On, the secondary's Off); record: the record is set to primaryTarget.
 * health-check: Route 53 answers with the primary again by itself once its health check passes, so
 * there is nothing to run (and the mode's wait, for an unhealthy primary, would never end).
 */
export function reverse({ params }: { id: string; params: Params }): Reversal<Params> {
  const { primaryAnswer, expectedAnswer } = params;
  const answers = { expectedAnswer: primaryAnswer, primaryAnswer: expectedAnswer };
  switch (params.mode) {
    case 'routing-control':
      return {
        params: { ...params, ...answers, primaryRoutingControlArn: params.secondaryRoutingControlArn, secondaryRoutingControlArn: params.primaryRoutingControlArn },
      };
    case 'record':
      if (!params.primaryTarget || !primaryAnswer) return { unsupported: 'add params.primaryTarget and params.primaryAnswer: what the record is set back to, and what TestDNSAnswer then returns' };
      return { params: { ...params, ...answers, secondaryTarget: params.primaryTarget, primaryTarget: params.secondaryTarget } };
    case 'health-check':
      return { unsupported: 'health-check mode: Route 53 answers with the primary again by itself once its health check passes; leave this component out of the failback' };
  }
}
