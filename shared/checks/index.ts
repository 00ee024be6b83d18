import type { CheckLoader, CheckRegistry } from './run.ts';
import type { CheckType } from './schema.ts';
import type { CheckRunner } from './types.ts';

type Group = () => Promise<Partial<CheckRegistry>>;

const postgres: Group = () => import('./postgres/checks.ts').then((m) => m.POSTGRES_CHECKS);
const storage: Group = () => import('./storage.ts').then((m) => m.STORAGE_CHECKS);
const network: Group = () => import('./network.ts').then((m) => m.NETWORK_CHECKS);
const loadBalancer: Group = () => import('./load-balancer.ts').then((m) => m.LOAD_BALANCER_CHECKS);
const vpnConnection: Group = () => import('./vpn-connection.ts').then((m) => m.VPN_CONNECTION_CHECKS);
const metric: Group = () => import('./metric.ts').then((m) => m.METRIC_CHECKS);
const securitySettings: Group = () => import('./security-settings.ts').then((m) => m.SECURITY_SETTINGS_CHECKS);

/**
 * Where each check type's runner lives (shared/checks/schema.ts lists the types). Loaded on first use,
 * so a verify function's cold start carries no check's SDK client or database driver: a plan's checks
 * load only what they call (esbuild splits each group into a chunk of its own).
 */
const GROUPS: Record<CheckType, Group> = {
  'postgres-writable': postgres,
  'postgres-tables': postgres,
  'postgres-indexes': postgres,
  'postgres-replication': postgres,
  'rpo-heartbeat': postgres,
  's3-bucket': storage,
  's3-objects': storage,
  's3-replication-rpo': storage,
  'dns-answer': network,
  http: network,
  'route53-health-check': network,
  'load-balancer': loadBalancer,
  'vpn-connection': vpnConnection,
  metric,
  'security-settings': securitySettings,
};

/** The runner of a check type, its module loaded once. */
export const loadCheck: CheckLoader = async <T extends CheckType>(type: T): Promise<CheckRunner<T>> => {
  const group = GROUPS[type];
  if (!group) throw new Error(`No runner for check type ${JSON.stringify(type)}`);
  const runner = (await group())[type];
  if (!runner) throw new Error(`Check type ${type} has no runner in its module`);
  return runner as CheckRunner<T>;
};
