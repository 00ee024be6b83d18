import { DescribeVirtualInterfacesCommand, DirectConnectClient, DirectConnectClientException, type VirtualInterface } from '@aws-sdk/client-direct-connect';
import { DescribeVpnConnectionsCommand, EC2Client, type VgwTelemetry, type VpnConnection } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vpnConnection } from '../../../shared/checks/schema.ts';
import { VPN_CONNECTION_CHECKS } from '../../../shared/checks/vpn-connection.ts';
import { checkContext } from '../../support/check-context.ts';

const ec2 = mockClient(EC2Client);
const dx = mockClient(DirectConnectClient);
const PRIMARY = 'ap-northeast-1';
const SECONDARY = 'ap-northeast-3';
const VPN = 'vpn-0a1b2c3d4e5f60718';
const VIF = 'dxvif-fgq7x2ab';
const INCIDENT = new Date('2026-11-29T01:00:00.000Z');
const WEEK_AGO = new Date(INCIDENT.getTime() - 7 * 24 * 3600_000);

const spec = (over: Record<string, unknown> = {}) => vpnConnection.parse({ type: 'vpn-connection', vpnConnectionId: VPN, ...over });
const run = (s = spec()) => VPN_CONNECTION_CHECKS['vpn-connection'](checkContext(), s);

const up = (ip: string): VgwTelemetry => ({ OutsideIpAddress: ip, Status: 'UP', LastStatusChange: WEEK_AGO, AcceptedRouteCount: 1 });
const down = (ip: string): VgwTelemetry => ({ OutsideIpAddress: ip, Status: 'DOWN', StatusMessage: 'IPSEC IS DOWN', LastStatusChange: INCIDENT, AcceptedRouteCount: 0 });
const connection = (tunnels: VgwTelemetry[], State: VpnConnection['State'] = 'available'): VpnConnection => ({ VpnConnectionId: VPN, State, Type: 'ipsec.1', VgwTelemetry: tunnels });
const vif = (state: VirtualInterface['virtualInterfaceState'], bgp: 'up' | 'down'): VirtualInterface => ({
  virtualInterfaceId: VIF, virtualInterfaceType: 'private', virtualInterfaceState: state,
  bgpPeers: [{ bgpPeerId: 'dxpeer-abcd1234', customerAddress: '169.254.255.2/30', bgpPeerState: 'available', bgpStatus: bgp }],
});
const throttled = (name: string) => Object.assign(new Error('Rate exceeded'), { name, $metadata: { httpStatusCode: 400 } });
const UP_TEXT = `203.0.113.10 UP since ${WEEK_AGO.toISOString()}, 203.0.113.11 UP since ${WEEK_AGO.toISOString()}`;

describe('vpn-connection check', () => {
  beforeEach(() => {
    ec2.reset();
    dx.reset();
  });
  afterEach(() => {
    ec2.reset();
    dx.reset();
  });

  it('asks DescribeVpnConnections for the one connection in the check\'s region and passes when available with enough tunnels UP; no Direct Connect call without an interface', async () => {
    // Prepare
    ec2.on(DescribeVpnConnectionsCommand).resolves({ VpnConnections: [connection([up('203.0.113.10'), up('203.0.113.11')])] });

    // Act
    const outcome = await run();

    // Assess
    expect(ec2).toHaveReceivedCommandExactlyOnceWith(DescribeVpnConnectionsCommand, { VpnConnectionIds: [VPN] });
    expect(await ec2.call(0).thisValue.config.region()).toBe(SECONDARY);
    expect(dx).not.toHaveReceivedCommand(DescribeVirtualInterfacesCommand);
    expect(outcome).toEqual({
      status: 'passed',
      detail: `VPN connection ${VPN} in ${SECONDARY} is available; 2 of 2 tunnels UP (need 1): ${UP_TEXT}`,
      observations: {
        region: SECONDARY, vpnConnectionId: VPN, minTunnelsUp: 1, state: 'available', tunnelsUp: 2,
        tunnels: [
          { outsideIpAddress: '203.0.113.10', status: 'UP', statusMessage: null, lastStatusChange: WEEK_AGO.toISOString() },
          { outsideIpAddress: '203.0.113.11', status: 'UP', statusMessage: null, lastStatusChange: WEEK_AGO.toISOString() },
        ],
        virtualInterface: null,
      },
    });
  });

  it('fails when fewer tunnels than minTunnelsUp are UP, naming each tunnel with its status message and last change', async () => {
    // Prepare
    ec2.on(DescribeVpnConnectionsCommand).resolves({ VpnConnections: [connection([up('203.0.113.10'), down('203.0.113.11')])] });

    // Act
    const one = await run(spec({ minTunnelsUp: 1 }));
    const two = await run(spec({ minTunnelsUp: 2 }));

    // Assess
    expect(one.status).toBe('passed');
    expect(two).toMatchObject({
      status: 'failed',
      detail: `VPN connection ${VPN} in ${SECONDARY} is available; 1 of 2 tunnels UP, need 2: ` +
        `203.0.113.10 UP since ${WEEK_AGO.toISOString()}, 203.0.113.11 DOWN (IPSEC IS DOWN) since ${INCIDENT.toISOString()}`,
      observations: { tunnelsUp: 1, minTunnelsUp: 2 },
    });
  });

  it('fails when the connection is not available, naming its state along with the tunnels', async () => {
    ec2.on(DescribeVpnConnectionsCommand).resolves({ VpnConnections: [connection([down('203.0.113.10'), down('203.0.113.11')], 'deleted')] });
    expect(await run()).toMatchObject({
      status: 'failed',
      detail: `VPN connection ${VPN} in ${SECONDARY} is deleted, must be available; 0 of 2 tunnels UP, need 1: ` +
        `203.0.113.10 DOWN (IPSEC IS DOWN) since ${INCIDENT.toISOString()}, 203.0.113.11 DOWN (IPSEC IS DOWN) since ${INCIDENT.toISOString()}`,
      observations: { state: 'deleted', tunnelsUp: 0 },
    });
  });

  it('with a Direct Connect virtual interface, asks DescribeVirtualInterfaces for it and reports its state and BGP status', async () => {
    // Prepare
    ec2.on(DescribeVpnConnectionsCommand).resolves({ VpnConnections: [connection([up('203.0.113.10'), up('203.0.113.11')])] });
    dx.on(DescribeVirtualInterfacesCommand).resolves({ virtualInterfaces: [vif('available', 'up')] });

    // Act
    const outcome = await run(spec({ directConnectVirtualInterfaceId: VIF }));

    // Assess
    expect(dx).toHaveReceivedCommandExactlyOnceWith(DescribeVirtualInterfacesCommand, { virtualInterfaceId: VIF });
    expect(await dx.call(0).thisValue.config.region()).toBe(SECONDARY);
    expect(outcome).toMatchObject({
      status: 'passed',
      detail: `VPN connection ${VPN} in ${SECONDARY} is available; 2 of 2 tunnels UP (need 1): ${UP_TEXT}; ` +
        `Direct Connect virtual interface ${VIF} is available; BGP peers: 169.254.255.2/30 up`,
      observations: { virtualInterface: { id: VIF, state: 'available', bgpPeers: [{ address: '169.254.255.2/30', bgpStatus: 'up', bgpPeerState: 'available' }] } },
    });
  });

  it('names every unmet requirement in one detail: the tunnels and a virtual interface that is down', async () => {
    // Prepare
    ec2.on(DescribeVpnConnectionsCommand).resolves({ VpnConnections: [connection([down('203.0.113.10'), down('203.0.113.11')])] });
    dx.on(DescribeVirtualInterfacesCommand).resolves({ virtualInterfaces: [vif('down', 'down')] });

    // Act
    const outcome = await run(spec({ directConnectVirtualInterfaceId: VIF, minTunnelsUp: 2 }));

    // Assess
    expect(outcome).toMatchObject({
      status: 'failed',
      detail: `VPN connection ${VPN} in ${SECONDARY} is available; 0 of 2 tunnels UP, need 2: ` +
        `203.0.113.10 DOWN (IPSEC IS DOWN) since ${INCIDENT.toISOString()}, 203.0.113.11 DOWN (IPSEC IS DOWN) since ${INCIDENT.toISOString()}; ` +
        `Direct Connect virtual interface ${VIF} is down, must be available; BGP peers: 169.254.255.2/30 down`,
      observations: { tunnelsUp: 0, virtualInterface: { state: 'down', bgpPeers: [{ bgpStatus: 'down' }] } },
    });
  });

  it('a virtual interface that is down fails the check even with every tunnel UP', async () => {
    ec2.on(DescribeVpnConnectionsCommand).resolves({ VpnConnections: [connection([up('203.0.113.10'), up('203.0.113.11')])] });
    dx.on(DescribeVirtualInterfacesCommand).resolves({ virtualInterfaces: [vif('pending', 'down')] });
    const outcome = await run(spec({ directConnectVirtualInterfaceId: VIF }));
    expect(outcome.status).toBe('failed');
    expect(outcome.detail).toMatch(new RegExp(`; Direct Connect virtual interface ${VIF} is pending, must be available; BGP peers: 169\\.254\\.255\\.2/30 down$`));
  });

  it('an unknown connection is a failed outcome naming the API and the error; the virtual interface is still reported', async () => {
    // Prepare
    const notFound = Object.assign(new Error(`The vpnConnection ID '${VPN}' does not exist`), { name: 'InvalidVpnConnectionID.NotFound', $metadata: { httpStatusCode: 400 } });
    ec2.on(DescribeVpnConnectionsCommand).rejects(notFound);
    dx.on(DescribeVirtualInterfacesCommand).resolves({ virtualInterfaces: [vif('available', 'up')] });

    // Act
    const alone = await run();
    const withVif = await run(spec({ directConnectVirtualInterfaceId: VIF }));

    // Assess
    expect(alone).toEqual({
      status: 'failed',
      detail: `DescribeVpnConnections VPN connection ${VPN} in ${SECONDARY}: InvalidVpnConnectionID.NotFound (The vpnConnection ID '${VPN}' does not exist)`,
      observations: {
        region: SECONDARY, vpnConnectionId: VPN, minTunnelsUp: 1, state: null, tunnelsUp: null, tunnels: [], virtualInterface: null,
        awsErrors: { DescribeVpnConnections: 'InvalidVpnConnectionID.NotFound' },
      },
    });
    expect(withVif).toMatchObject({
      status: 'failed',
      detail: `DescribeVpnConnections VPN connection ${VPN} in ${SECONDARY}: InvalidVpnConnectionID.NotFound (The vpnConnection ID '${VPN}' does not exist); ` +
        `Direct Connect virtual interface ${VIF} is available; BGP peers: 169.254.255.2/30 up`,
    });
  });

  it('an unknown virtual interface (DirectConnectClientException) and an empty answer fail naming it', async () => {
    // Prepare
    ec2.on(DescribeVpnConnectionsCommand).resolves({ VpnConnections: [connection([up('203.0.113.10'), up('203.0.113.11')])] });
    dx.on(DescribeVirtualInterfacesCommand).rejects(new DirectConnectClientException({ message: `Virtual interface ${VIF} does not exist.`, $metadata: { httpStatusCode: 400 } }));

    // Act
    const unknown = await run(spec({ directConnectVirtualInterfaceId: VIF }));

    // Assess
    expect(unknown).toMatchObject({
      status: 'failed',
      detail: `VPN connection ${VPN} in ${SECONDARY} is available; 2 of 2 tunnels UP (need 1): ${UP_TEXT}; ` +
        `DescribeVirtualInterfaces Direct Connect virtual interface ${VIF} in ${SECONDARY}: DirectConnectClientException (Virtual interface ${VIF} does not exist.)`,
      observations: { awsErrors: { DescribeVirtualInterfaces: 'DirectConnectClientException' }, virtualInterface: { id: VIF, state: null } },
    });

    dx.on(DescribeVirtualInterfacesCommand).resolves({ virtualInterfaces: [] });
    expect((await run(spec({ directConnectVirtualInterfaceId: VIF }))).detail)
      .toMatch(new RegExp(`; Direct Connect virtual interface ${VIF} in ${SECONDARY}: not returned by DescribeVirtualInterfaces$`));
    ec2.on(DescribeVpnConnectionsCommand).resolves({ VpnConnections: [] });
    expect(await run()).toMatchObject({ status: 'failed', detail: `VPN connection ${VPN} in ${SECONDARY}: not returned by DescribeVpnConnections` });
  });

  it('reads the primary region when the plan says so', async () => {
    ec2.on(DescribeVpnConnectionsCommand).resolves({ VpnConnections: [connection([up('203.0.113.10'), up('203.0.113.11')])] });
    dx.on(DescribeVirtualInterfacesCommand).resolves({ virtualInterfaces: [vif('available', 'up')] });
    await run(spec({ region: 'primary', directConnectVirtualInterfaceId: VIF }));
    expect(await ec2.call(0).thisValue.config.region()).toBe(PRIMARY);
    expect(await dx.call(0).thisValue.config.region()).toBe(PRIMARY);
  });

  it('throttling of either service is rethrown as AwsThrottlingError (EC2 RequestLimitExceeded, Direct Connect ThrottlingException)', async () => {
    ec2.on(DescribeVpnConnectionsCommand).rejects(throttled('RequestLimitExceeded'));
    await expect(run()).rejects.toMatchObject({ name: 'AwsThrottlingError', retryable: true });

    ec2.on(DescribeVpnConnectionsCommand).resolves({ VpnConnections: [connection([up('203.0.113.10'), up('203.0.113.11')])] });
    dx.on(DescribeVirtualInterfacesCommand).rejects(throttled('ThrottlingException'));
    await expect(run(spec({ directConnectVirtualInterfaceId: VIF }))).rejects.toMatchObject({ name: 'AwsThrottlingError', retryable: true });
  });

  it('a Direct Connect server error (5xx) is rethrown as AwsTransientError', async () => {
    ec2.on(DescribeVpnConnectionsCommand).resolves({ VpnConnections: [connection([up('203.0.113.10'), up('203.0.113.11')])] });
    dx.on(DescribeVirtualInterfacesCommand).rejects(Object.assign(new Error('internal'), { name: 'DirectConnectServerException', $fault: 'server', $metadata: { httpStatusCode: 500 } }));
    await expect(run(spec({ directConnectVirtualInterfaceId: VIF }))).rejects.toMatchObject({ name: 'AwsTransientError', retryable: true });
  });
});
