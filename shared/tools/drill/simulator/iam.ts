import { IAMClient, SimulatePrincipalPolicyCommand, type EvaluationResult, type SimulatePrincipalPolicyCommandInput } from '@aws-sdk/client-iam';
import { simulateClient } from './intercept.ts';
import type { IamContext, IamStatement } from '../../../components/definition.ts';
import { startActionStatements } from '../../deploy/component-iam.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { awsError, planAccount, type World } from './world.ts';

/** IAM is global; its API (a control plane) is in us-east-1 (https://docs.aws.amazon.com/general/latest/gr/iam-service.html). */
const IAM_REGION = 'us-east-1';
// IAM throttles with Throttling "Rate exceeded" (awsQuery; not among the errors of
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html).
const SIM: ServiceSimulation = { service: 'iam', throttleError: 'Throttling', controlPlaneRegion: IAM_REGION };

/** An IAM pattern (`*` any run of characters, `?` one character) as a regular expression; action names compare case-insensitively. */
function pattern(glob: string, caseInsensitive: boolean): RegExp {
  const body = glob.split('').map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, caseInsensitive ? 'i' : '');
}

const resourcesOf = (st: IamStatement): string[] => [st.Resource].flat().filter((r): r is string => typeof r === 'string');

/**
 * IAM policy simulation of the recovery role. The simulated account's roles under `arn:aws:iam::ACCOUNT:role/`
 * (ACCOUNT: the plan's, planAccount) are all taken to be the start-action role the deployment builds: its identity
 * policy is startActionStatements of the plan (shared/tools/deploy/component-iam.ts), with the ARNs as the
 * deployment resolves them in that account; no permissions boundary, no SCP. SimulatePrincipalPolicy answers one
 * EvaluationResult per action × resource asked (resource `*` when none is), as IAM does: `allowed` when a statement's
 * Action matches (IAM wildcards `*` and `?`, action names case-insensitive) and one of its Resources matches the
 * resource (wildcards, case-sensitive), else `implicitDeny`; with the `denied` drift on the action, `explicitDeny`
 * (a deny added to the role, or a boundary). Assumption: a statement's Condition is taken as met (IAM would report
 * the context keys it lacks in MissingContextValues; listed here, the decision unchanged). All results in one page
 * (no Marker). Any other principal is NoSuchEntity.
 */
export function simulateIam(world: World): SimulatedService {
  const stub = simulateClient(IAMClient);
  const account = planAccount(world.plan);
  const ctx: IamContext = {
    regions: world.plan.regions,
    arn: (service, region, resource, withAccount = true) => `arn:aws:${service}:${region}:${withAccount ? account : ''}:${resource}`,
  };
  const statements = startActionStatements(world.plan, ctx);
  const simulated: { role: string; action: string; resource: string; decision: string }[] = [];

  function evaluate(action: string, resource: string): EvaluationResult {
    const denied = world.drifts('denied').some((d) => pattern(d.action, true).test(action));
    const matched = statements.find((st) => st.Action.some((a) => pattern(a, true).test(action)) && resourcesOf(st).some((r) => pattern(r, false).test(resource)));
    const decision = denied ? 'explicitDeny' : matched ? 'allowed' : 'implicitDeny';
    const missing = !denied && matched?.Condition ? Object.values(matched.Condition).flatMap((c) => Object.keys(c)) : [];
    return {
      EvalActionName: action,
      EvalResourceName: resource,
      EvalDecision: decision,
      MatchedStatements: matched || denied ? [{ SourcePolicyId: denied ? 'drift-deny' : 'start-action', SourcePolicyType: 'role' as const }] : [],
      MissingContextValues: missing,
    };
  }

  refuseOthers(SIM, stub);
  answer<SimulatePrincipalPolicyCommandInput, unknown>(world, SIM, stub, SimulatePrincipalPolicyCommand, (input) => {
    const role = input.PolicySourceArn ?? '';
    if (!role.startsWith(`arn:aws:iam::${account}:role/`) || role.length <= `arn:aws:iam::${account}:role/`.length) {
      throw awsError('NoSuchEntity', `Could not find principal ${role}.`, 404);
    }
    const actions = input.ActionNames ?? [];
    if (actions.length === 0) throw awsError('InvalidInput', 'ActionNames must contain at least one action.', 400);
    const resources = input.ResourceArns && input.ResourceArns.length > 0 ? input.ResourceArns : ['*'];
    const results = actions.flatMap((action) => resources.map((resource) => evaluate(action, resource)));
    for (const r of results) simulated.push({ role, action: r.EvalActionName ?? '', resource: r.EvalResourceName ?? '', decision: r.EvalDecision ?? '' });
    return { EvaluationResults: results, IsTruncated: false };
  });

  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => ({
      statements: statements.length,
      denied: world.drifts('denied').map((d) => d.action),
      simulations: simulated.filter((s) => s.decision !== 'allowed').map((s) => ({ ...s })),
    }),
  };
}
