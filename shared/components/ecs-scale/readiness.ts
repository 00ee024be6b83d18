import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { finding, reading } from '../../readiness/findings.ts';
import { quotaFinding } from '../../readiness/quota.ts';
import type { ReadinessFinding, ReadinessProbe } from '../../readiness/types.ts';

/** Service Quotas: "Fargate On-Demand vCPU resource count" (vCPUs of running Fargate tasks, per region). */
export const FARGATE_VCPU_QUOTA = { serviceCode: 'fargate', quotaCode: 'L-3032A538', name: 'Fargate On-Demand vCPU resource count' } as const;
/** Service Quotas: "Fargate Spot vCPU resource count": tasks on the FARGATE_SPOT capacity provider. */
export const FARGATE_SPOT_VCPU_QUOTA = { serviceCode: 'fargate', quotaCode: 'L-36FBB829', name: 'Fargate Spot vCPU resource count' } as const;

/** An ECR image URI names its registry's region: ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO[:TAG|@DIGEST]. */
const ECR_IMAGE = /^\d{12}\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\//;

/**
 * Ready when the recovery region's service is ACTIVE, its task definition ACTIVE with every image
 * pullable there (an ECR image of the primary region's registry is not, when that region is down:
 * replicate the repository), and the Fargate vCPU quota holds the scale-up.
 */
export const readiness: ReadinessProbe<'ecs-scale'> = {
  type: 'ecs-scale',
  measuresDataAtRisk: false,
  async assess(ctx) {
    const p = ctx.component.params;
    const ecs = ctx.clients.get(ECSClient, ctx.regions.secondary);
    const what = `service ${p.service} in cluster ${p.cluster} (${ctx.regions.secondary})`;
    const read = await reading('service', what, async () => (await ecs.send(new DescribeServicesCommand({ cluster: p.cluster, services: [p.service] }))).services?.[0]);
    if ('failed' in read) return { findings: [read.failed], dataAtRiskSeconds: null };
    const service = read.value;
    if (!service || service.status !== 'ACTIVE') {
      return { findings: [finding('service', 'not-ready', `${what} ${service ? `is ${service.status ?? 'unknown'}` : 'not found'}: create it (desired count 0) ahead of time`)], dataAtRiskSeconds: null };
    }
    const findings: ReadinessFinding[] = [finding('service', 'ready', `${what} is ACTIVE`)];
    if (!service.taskDefinition) return { findings: [...findings, finding('task-definition', 'not-ready', `${what} names no task definition`)], dataAtRiskSeconds: null };
    const td = await reading('task-definition', `task definition ${service.taskDefinition}`, async () =>
      (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition }))).taskDefinition);
    if ('failed' in td) return { findings: [...findings, td.failed], dataAtRiskSeconds: null };
    const def = td.value;
    if (!def || def.status !== 'ACTIVE') {
      findings.push(finding('task-definition', 'not-ready', `task definition ${service.taskDefinition} is ${def?.status ?? 'missing'}: register an ACTIVE revision`));
      return { findings, dataAtRiskSeconds: null };
    }
    const foreign = (def.containerDefinitions ?? []).flatMap((c) => {
      const region = ECR_IMAGE.exec(c.image ?? '')?.[1];
      return region !== undefined && region !== ctx.regions.secondary ? [`${c.name ?? '?'}: ${c.image ?? ''}`] : [];
    });
    findings.push(foreign.length > 0
      ? finding('images', 'not-ready', `images pulled from another region's ECR, unreachable when it is down: ${foreign.join(', ')}; replicate the repositories to ${ctx.regions.secondary}`)
      : finding('images', 'ready', `${def.containerDefinitions?.length ?? 0} container image(s) pullable in ${ctx.regions.secondary}`));
    // On-Demand Fargate (launch type, or a FARGATE capacity provider) or Spot only: each has its own quota. A mix of
    // both, split by weights, is checked against On-Demand for every task (the safe side).
    const providers = (service.capacityProviderStrategy ?? []).map((s) => s.capacityProvider);
    const quota = service.launchType === 'FARGATE' || providers.includes('FARGATE') ? FARGATE_VCPU_QUOTA : providers.includes('FARGATE_SPOT') ? FARGATE_SPOT_VCPU_QUOTA : undefined;
    const vcpu = Number(def.cpu ?? '0') / 1024;
    if (quota === undefined || vcpu <= 0) return { findings, dataAtRiskSeconds: null };
    const need = { ...quota, need: p.desiredCount * vcpu, because: `${p.desiredCount} tasks × ${vcpu} vCPU` };
    const checked = await quotaFinding(ctx.clients, ctx.regions.secondary, need);
    findings.push(checked.finding);
    return { findings, dataAtRiskSeconds: null, ...(checked.value === undefined ? {} : { quota: { ...need, value: checked.value } }) };
  },
};
