import { DescribeServicesCommand, ECSClient, UpdateServiceCommand, type Service } from '@aws-sdk/client-ecs';
import { GetBucketReplicationCommand, GetBucketVersioningCommand, PutBucketReplicationCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../shared/aws/clients.ts';
import { ActionTimedOutError, InvalidInputError } from '../../../shared/errors.ts';
import { recordComponent } from '../../../shared/run/component-outcome.ts';
import { checkComponent, startComponent, startInput, type Deps } from '../../../shared/run/component.ts';
import { parseTaskInput } from '../../../shared/run/task-input.ts';
import type { ActionRecord, ComponentTask, RunState } from '../../../shared/run/types.ts';
import { componentOf, consoleStart, exampleRun, loadExamplePlan, silentLogger } from './fixtures.ts';
import { componentTask } from '../../../shared/run/component-task.ts';
import { reversedComponents } from '../../../shared/plan/direction.ts';

const ecs = mockClient(ECSClient);
const NOW = new Date('2026-11-29T01:05:00.000Z');
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const iso = (seconds: number) => at(seconds).toISOString();

let state: RunState;
let auth: ComponentTask; // ecs-scale auth → 3, timeout 30 min, no expectedSeconds (default 120 s), check every 30 s
let devEnv: ComponentTask; // manual, timeout 720 min

const deps = (now: Date = NOW): Deps => ({ clients: createAwsClients(), logger: silentLogger(), now: () => now });

const service = (over: Partial<Service> = {}): Service => ({
  serviceName: 'auth',
  status: 'ACTIVE',
  desiredCount: 0,
  runningCount: 0,
  deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED' }],
  ...over,
});
const scaling = service({ desiredCount: 3, runningCount: 1, deployments: [{ status: 'PRIMARY', rolloutState: 'IN_PROGRESS' }] });
const running = service({ desiredCount: 3, runningCount: 3 });

/** Where ecs-scale stands after its start: started at NOW, deadline NOW + 30 min. */
const startedAction = (over: Partial<ActionRecord> = {}): ActionRecord => ({
  startedAt: iso(0),
  deadline: iso(30 * 60),
  done: false,
  nextCheckSeconds: 120,
  status: 'running 0/3, 1 deployment(s)',
  state: {},
  observations: { runningCount: 0, desiredCount: 3 },
  attempts: 1,
  polls: 0,
  awaitingConfirmation: false,
  ...over,
});

describe('run/component', () => {
  beforeAll(async () => {
    state = await exampleRun();
    auth = componentOf(state, 'authentication');
    devEnv = componentOf(state, 'development-environment');
  });
  beforeEach(() => ecs.reset());
  afterEach(() => ecs.reset());

  describe('startComponent', () => {
    it('starts the action, sets the deadline from the timeout and checks first at the expected time', async () => {
      // Prepare
      ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
      ecs.on(UpdateServiceCommand).resolves({});
      // Act
      const action = await startComponent(deps(), { run: state.run, component: auth, retryCount: 0 });
      // Assess
      expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { cluster: 'dataset-platform-osaka', service: 'auth', desiredCount: 3 });
      expect(action).toEqual({
        startedAt: iso(0),
        deadline: iso(30 * 60),
        done: false,
        nextCheckSeconds: 120,
        status: 'running 0/3, 1 deployment(s)',
        state: {},
        observations: { runningCount: 0, desiredCount: 3 },
        attempts: 1,
        polls: 0,
        awaitingConfirmation: false,
      });
    });

    it("checks first at the component's expectedSeconds when the plan gives one", async () => {
      ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
      ecs.on(UpdateServiceCommand).resolves({});
      const action = await startComponent(deps(), { run: state.run, component: { ...auth, expectedSeconds: 300 } });
      expect(action.nextCheckSeconds).toBe(300);
    });

    it('checks sooner when the action asks to (already scaled, still rolling out)', async () => {
      ecs.on(DescribeServicesCommand).resolves({ services: [scaling] });
      const action = await startComponent(deps(), { run: state.run, component: auth });
      expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
      expect(action.nextCheckSeconds).toBe(30); // min(checkIntervalSeconds 30, expected 120)
    });

    it('never schedules the first check after the deadline, even when the plan expects longer', async () => {
      ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
      ecs.on(UpdateServiceCommand).resolves({});
      const action = await startComponent(deps(), { run: state.run, component: { ...auth, timeoutMinutes: 5, timeoutSeconds: 300, expectedSeconds: 900 } });
      expect(action.deadline).toBe(iso(300));
      expect(action.nextCheckSeconds).toBe(300);
    });

    it('counts the attempt from the retry count of the start task', async () => {
      ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
      ecs.on(UpdateServiceCommand).resolves({});
      const action = await startComponent(deps(), { run: state.run, component: auth, retryCount: 2 });
      expect(action.attempts).toBe(3);
    });

    it('is done at once, with finishedAt, when the work was already done (idempotent re-run)', async () => {
      ecs.on(DescribeServicesCommand).resolves({ services: [running] });
      const action = await startComponent(deps(), { run: state.run, component: auth });
      expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
      expect(action).toMatchObject({ done: true, finishedAt: iso(0), startedAt: iso(0), attempts: 1, polls: 0 });
    });

    it('waits for an operator on a manual step', async () => {
      const action = await startComponent(deps(), { run: state.run, component: devEnv });
      expect(action).toMatchObject({ done: false, awaitingConfirmation: true, status: 'waiting for operator confirmation', deadline: iso(720 * 60) });
      expect(action.finishedAt).toBeUndefined();
    });

    it('passes the action errors on (ResourceNotFoundError) and rejects a task input without a component', async () => {
      ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ reason: 'MISSING' }] });
      await expect(startComponent(deps(), { run: state.run, component: auth })).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
      // The start function parses its input at the edge (lambdaHandler): a task input without a component stops there.
      await expect(Promise.resolve().then(() => startComponent(deps(), parseTaskInput(startInput, { run: state.run })))).rejects.toBeInstanceOf(InvalidInputError);
    });
  });

  describe('a re-protect run', () => {
    const s3 = mockClient(S3Client);
    afterEach(() => s3.reset());

    it('runs the component\'s re-protect action (reversed, in the run\'s regions) and checks first when that action expects, not at the plan\'s recovery estimate', async () => {
      // Prepare: the system runs in Osaka; the re-protect of dataset-storage, reversed by packaging.
      const plan = await loadExamplePlan();
      const reprotect = await exampleRun(consoleStart({ scenario: 'reprotect', mode: 'planned' }));
      const run = { ...reprotect.run, stage: 'reprotect' as const, direction: 'reverse' as const, regions: { primary: 'ap-northeast-3', secondary: 'ap-northeast-1' } };
      // The plan's recovery estimate (10 s) would make the first check sooner than the re-protect action's own (30 s).
      const component = { ...componentTask(plan, 'reprotect', 'dataset-storage', reversedComponents(plan)), expectedSeconds: 10 };
      s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
      s3.on(GetBucketReplicationCommand).rejects(Object.assign(new Error('The replication configuration was not found'), { name: 'ReplicationConfigurationNotFoundError' }));
      s3.on(PutBucketReplicationCommand).resolves({});
      // Act
      const action = await startComponent(deps(), { run, component });
      // Assess: the Osaka bucket now replicates to Tokyo; no recovery command (the SSM parameter) was sent.
      expect(s3).toHaveReceivedCommandWith(GetBucketVersioningCommand, { Bucket: 'dataset-platform-datasets-tokyo' });
      expect(s3).toHaveReceivedCommandExactlyOnceWith(PutBucketReplicationCommand, {
        Bucket: 'dataset-platform-datasets-osaka',
        ReplicationConfiguration: {
          Role: 'arn:aws:iam::123456789012:role/dataset-platform-s3-replication',
          Rules: [{ ID: 'dr-autopilot-reprotect', Priority: 1, Status: 'Enabled', Filter: { Prefix: '' }, DeleteMarkerReplication: { Status: 'Enabled' }, Destination: { Bucket: 'arn:aws:s3:::dataset-platform-datasets-tokyo' } }],
        },
      });
      expect(action).toMatchObject({ done: false, nextCheckSeconds: 30, status: 'rule dr-autopilot-reprotect added: dataset-platform-datasets-osaka → dataset-platform-datasets-tokyo (0 other rule(s) kept)' });
    });

    it('refuses a type that does not re-protect', async () => {
      const reprotect = await exampleRun(consoleStart({ scenario: 'reprotect', mode: 'planned' }));
      await expect(startComponent(deps(), { run: { ...reprotect.run, stage: 'reprotect' }, component: auth })).rejects.toMatchObject({
        name: 'UnexpectedStateError',
        message: 'component type "ecs-scale" does not re-protect: no shared/components/ecs-scale/reprotect.ts',
      });
      expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 0);
    });
  });

  describe('checkComponent', () => {
    it('counts the check and waits the check interval while the action is under way', async () => {
      // Prepare
      ecs.on(DescribeServicesCommand).resolves({ services: [scaling] });
      const previous = startedAction({ polls: 2, attempts: 2 });
      // Act
      const action = await checkComponent(deps(at(180)), { run: state.run, component: auth, action: previous });
      // Assess
      expect(action).toEqual({
        startedAt: previous.startedAt,
        deadline: previous.deadline,
        attempts: 2,
        polls: 3,
        done: false,
        nextCheckSeconds: 30,
        status: 'running 1/3, 1 deployment(s)',
        state: {},
        observations: { runningCount: 1, desiredCount: 3 },
        awaitingConfirmation: false,
      });
    });

    it('is done, with finishedAt, when the action is', async () => {
      ecs.on(DescribeServicesCommand).resolves({ services: [running] });
      const action = await checkComponent(deps(at(300)), { run: state.run, component: auth, action: startedAction() });
      expect(action).toMatchObject({ done: true, finishedAt: iso(300), polls: 1, startedAt: iso(0) });
    });

    it.each([
      ['at', 30 * 60],
      ['after', 30 * 60 + 45],
    ])('fails with ActionTimedOutError when not done %s the deadline', async (_, seconds) => {
      ecs.on(DescribeServicesCommand).resolves({ services: [scaling] });
      const checking = checkComponent(deps(at(seconds)), { run: state.run, component: auth, action: startedAction() });
      await expect(checking).rejects.toBeInstanceOf(ActionTimedOutError);
      await expect(checking).rejects.toMatchObject({
        name: 'ActionTimedOutError',
        message: 'authentication did not recover within 30 min (last status: running 1/3, 1 deployment(s))',
        details: { component: 'authentication', deadline: iso(30 * 60) },
      });
    });

    it('still counts a recovery found on the last check, at the deadline', async () => {
      ecs.on(DescribeServicesCommand).resolves({ services: [running] });
      const action = await checkComponent(deps(at(30 * 60)), { run: state.run, component: auth, action: startedAction() });
      expect(action).toMatchObject({ done: true, finishedAt: iso(30 * 60) });
    });

    it('one second before the deadline is not too late', async () => {
      ecs.on(DescribeServicesCommand).resolves({ services: [scaling] });
      const action = await checkComponent(deps(at(30 * 60 - 1)), { run: state.run, component: auth, action: startedAction() });
      expect(action).toMatchObject({ done: false, nextCheckSeconds: 1 });
    });

    it.each([10.6, 10.4, 29.999, 1.2, 61.5, 5 * 60 + 0.5])('never schedules a check past the deadline (%s s left)', async (left) => {
      // Prepare
      ecs.on(DescribeServicesCommand).resolves({ services: [scaling] });
      const now = new Date(Date.parse(startedAction().deadline) - left * 1000);
      // Act
      const action = await checkComponent(deps(now), { run: state.run, component: auth, action: startedAction() });
      // Assess
      expect(now.getTime() + action.nextCheckSeconds * 1000).toBeLessThanOrEqual(Date.parse(action.deadline));
      expect(action.nextCheckSeconds).toBe(Math.min(30, Math.floor(left)));
    });

    it('waits the minimum second when less than a second is left', async () => {
      ecs.on(DescribeServicesCommand).resolves({ services: [scaling] });
      const now = new Date(Date.parse(startedAction().deadline) - 400);
      const action = await checkComponent(deps(now), { run: state.run, component: auth, action: startedAction() });
      expect(action.nextCheckSeconds).toBe(1);
    });

    it('completes a manual step once the operator confirmed it', async () => {
      const previous = startedAction({ deadline: iso(720 * 60), awaitingConfirmation: true, status: 'waiting for operator confirmation' });
      const action = await checkComponent(deps(at(600)), { run: state.run, component: devEnv, action: previous });
      expect(action).toMatchObject({ done: true, status: 'confirmed by an operator', finishedAt: iso(600), polls: 1, awaitingConfirmation: false });
    });
  });

  describe('recordComponent', () => {
    const now = () => at(900);

    it('records a recovered component from its action', () => {
      // Prepare
      const action = startedAction({ done: true, finishedAt: iso(300), status: 'running 3/3, 1 deployment(s)', polls: 4, attempts: 2, observations: { runningCount: 3, desiredCount: 3 } });
      // Act
      const result = recordComponent({ now }, { component: auth, action });
      // Assess
      expect(result).toEqual({
        id: 'authentication',
        tier: 'tier-1',
        type: 'ecs-scale',
        status: 'recovered',
        startedAt: iso(0),
        finishedAt: iso(300),
        attempts: 2,
        polls: 4,
        lastStatus: 'running 3/3, 1 deployment(s)',
        observations: { runningCount: 3, desiredCount: 3 },
        error: null,
        verification: [],
      });
    });

    it('fails a recovered component whose listed check failed (not advisory), naming the check; advisory failures do not', () => {
      // Prepare
      const action = startedAction({ done: true, finishedAt: iso(300) });
      const check = (name: string, status: 'passed' | 'failed', advisory: boolean) => ({
        component: 'authentication', name, type: 'http' as const, status, advisory, detail: status === 'failed' ? 'HTTP 503 from https://auth.example.com/health' : 'HTTP 200 in 80 ms', observations: {}, checkedAt: iso(310),
      });
      // Act
      const failed = recordComponent({ now }, { component: auth, action, verification: { checks: [check('auth-health', 'failed', false), check('auth-latency', 'passed', false)] } });
      const advisory = recordComponent({ now }, { component: auth, action, verification: { checks: [check('auth-health', 'failed', true)] } });
      // Assess
      expect(failed).toMatchObject({
        status: 'failed',
        error: { name: 'IntegrityCheckFailedError', message: 'authentication: auth-health failed: HTTP 503 from https://auth.example.com/health' },
      });
      expect(failed.verification.map((c) => c.name)).toEqual(['auth-health', 'auth-latency']);
      expect(advisory).toMatchObject({ status: 'recovered', error: null });
    });

    it("records a failure with the Lambda error's errorMessage from a JSON Cause", () => {
      const cause = JSON.stringify({
        errorType: 'ActionTimedOutError',
        errorMessage: 'authentication did not recover within 30 min (last status: running 1/3)',
        trace: ['ActionTimedOutError: authentication did not recover', '    at checkComponent (file:///var/task/index.mjs:1:1)'],
      });
      const result = recordComponent({ now }, { component: auth, action: startedAction({ polls: 57 }), error: { Error: 'ActionTimedOutError', Cause: cause } });
      expect(result).toMatchObject({
        status: 'failed',
        startedAt: iso(0),
        finishedAt: iso(900),
        polls: 57,
        error: { name: 'ActionTimedOutError', message: 'authentication did not recover within 30 min (last status: running 1/3)' },
      });
    });

    it.each([
      ['plain text', 'The operator did not answer', 'The operator did not answer'],
      ['JSON without errorMessage', '{"reason":"x"}', '{"reason":"x"}'],
      ['JSON null', 'null', 'null'],
      ['no cause', undefined, ''],
    ])('records a failure whose Cause is %s as it is', (_, cause, message) => {
      const result = recordComponent({ now }, { component: devEnv, action: startedAction(), error: { Error: 'States.Timeout', ...(cause === undefined ? {} : { Cause: cause }) } });
      expect(result.status).toBe('failed');
      expect(result.error).toEqual({ name: 'States.Timeout', message });
    });

    it('records a start that failed before any action record', () => {
      const result = recordComponent({ now }, { component: auth, error: { Error: 'ResourceNotFoundError', Cause: JSON.stringify({ errorMessage: 'ECS service missing' }) } });
      expect(result).toMatchObject({ status: 'failed', startedAt: iso(900), finishedAt: iso(900), attempts: 1, polls: 0, lastStatus: null, error: { name: 'ResourceNotFoundError', message: 'ECS service missing' } });
    });

    it("keeps a manual step's confirmation with the result", () => {
      const confirmation = { confirmedBy: 'ops', confirmedAt: iso(500) };
      const action = startedAction({ done: true, finishedAt: iso(510), status: 'confirmed by an operator', observations: {} });
      const result = recordComponent({ now }, { component: devEnv, action, confirmation });
      expect(result).toMatchObject({ id: 'development-environment', type: 'manual', status: 'recovered', finishedAt: iso(510), observations: { confirmation } });
    });

    it('fails closed when neither an error nor a finished action came with the branch', () => {
      const result = recordComponent({ now }, { component: auth, action: startedAction() });
      expect(result.status).toBe('failed');
      expect(result.error).toEqual({ name: 'UnexpectedStateError', message: 'authentication: the recovery action did not finish (last status: running 0/3, 1 deployment(s))' });
      expect(recordComponent({ now }, { component: auth }).status).toBe('failed');
    });
  });
});
