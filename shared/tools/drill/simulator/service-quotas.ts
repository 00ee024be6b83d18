import { GetServiceQuotaCommand, ServiceQuotasClient, type GetServiceQuotaCommandInput } from '@aws-sdk/client-service-quotas';
import { simulateClient } from './intercept.ts';
import type { ComponentType } from '../../../plan/schema.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { awsError, planAccount, type World } from './world.ts';

// Service Quotas throttles with TooManyRequestsException (https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html).
const SIM: ServiceSimulation = { service: 'service-quotas', throttleError: 'TooManyRequestsException' };

/**
 * The quotas readiness reads (shared/components/ecs-scale/readiness.ts, ec2-asg-scale/readiness.ts), with the
 * applied value of the simulated account and the component type whose `quota` drift overrides it.
 * Assumption, no source: the values are those of an account whose quotas were raised for production workloads
 * (4000 Fargate vCPUs, 1152 standard On-Demand vCPUs); a new account's defaults are lower and vary by account
 * and region (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html,
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-quotas.html).
 */
export const SIMULATED_QUOTAS: { serviceCode: string; serviceName: string; quotaCode: string; quotaName: string; value: number; driftedBy: ComponentType }[] = [
  { serviceCode: 'fargate', serviceName: 'AWS Fargate', quotaCode: 'L-3032A538', quotaName: 'Fargate On-Demand vCPU resource count', value: 4000, driftedBy: 'ecs-scale' },
  {
    serviceCode: 'ec2', serviceName: 'Amazon Elastic Compute Cloud (Amazon EC2)', quotaCode: 'L-1216C47A',
    quotaName: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances', value: 1152, driftedBy: 'ec2-asg-scale',
  },
];

/**
 * Service Quotas in every region: GetServiceQuota of SIMULATED_QUOTAS, the same value in each region. A `quota`
 * drift on a component of the quota's type (ecs-scale: Fargate; ec2-asg-scale: EC2) sets its value; with
 * several such drifts, the lowest. Any other quota is NoSuchResourceException.
 */
export function simulateServiceQuotas(world: World): SimulatedService {
  const stub = simulateClient(ServiceQuotasClient);
  const account = planAccount(world.plan);
  const typeOf = new Map(world.plan.components.map((c) => [c.id as string, c.type]));
  // The drift sets the value (also above the account's); with several, the lowest counts.
  const applied = (q: (typeof SIMULATED_QUOTAS)[number]) => {
    const drifts = world.drifts('quota').filter((d) => typeOf.get(d.component) === q.driftedBy);
    return drifts.length > 0 ? Math.min(...drifts.map((d) => d.value)) : q.value;
  };

  refuseOthers(SIM, stub);
  answer<GetServiceQuotaCommandInput, unknown>(world, SIM, stub, GetServiceQuotaCommand, (input, region) => {
    const q = SIMULATED_QUOTAS.find((x) => x.serviceCode === input.ServiceCode && x.quotaCode === input.QuotaCode);
    if (!q) throw awsError('NoSuchResourceException', `The request failed because the specified quota ${input.ServiceCode ?? ''}/${input.QuotaCode ?? ''} does not exist.`, 400);
    return {
      Quota: {
        ServiceCode: q.serviceCode, ServiceName: q.serviceName, QuotaArn: `arn:aws:servicequotas:${region}:${account}:${q.serviceCode}/${q.quotaCode}`,
        QuotaCode: q.quotaCode, QuotaName: q.quotaName, Value: applied(q), Unit: 'None', Adjustable: true, GlobalQuota: false,
        QuotaAppliedAtLevel: 'ACCOUNT',
      },
    };
  });

  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => Object.fromEntries(SIMULATED_QUOTAS.map((q) => [`${q.serviceCode}/${q.quotaCode}`, applied(q)])),
  };
}
