import { DescribeVirtualInterfacesCommand, DirectConnectClient, type VirtualInterface } from '@aws-sdk/client-direct-connect';
import { DescribeVpnConnectionsCommand, EC2Client, type VgwTelemetry, type VpnConnection } from '@aws-sdk/client-ec2';
import type { JsonObject } from '../components/types.ts';
import { awsCall, refusedDetail } from './aws-call.ts';
import type { CheckRunner } from './types.ts';

/**
 * The recovery region's Site-to-Site VPN connection and, where the plan names one, its Direct Connect backup.
 *
 * - EC2 DescribeVpnConnections (VpnConnectionIds: [id]): the connection's State must be `available` and at least
 *   `minTunnelsUp` of its tunnels (VgwTelemetry) `UP` (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VgwTelemetry.html:
 *   OutsideIpAddress, Status UP | DOWN, StatusMessage, LastStatusChange). An unknown id is
 *   InvalidVpnConnectionID.NotFound ("The vpnConnection ID 'vpn-…' does not exist",
 *   https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
 * - Direct Connect DescribeVirtualInterfaces (virtualInterfaceId): virtualInterfaceState must be `available`
 *   (`down` is "a virtual interface that is BGP down": https://docs.aws.amazon.com/directconnect/latest/APIReference/API_VirtualInterface.html);
 *   each BGP peer's bgpStatus (up, down, unknown) is reported. Its errors are DirectConnectClientException and
 *   DirectConnectServerException (https://docs.aws.amazon.com/directconnect/latest/APIReference/API_DescribeVirtualInterfaces.html).
 *
 * Both are read at once and every unmet requirement is named in one detail, an AWS error (such as an unknown
 * id) included, as "API what: Error (message)". Throttling (EC2 RequestLimitExceeded,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/throttling.html; Direct Connect ThrottlingException,
 * https://docs.aws.amazon.com/directconnect/latest/APIReference/CommonErrors.html) and 5xx are rethrown as
 * retryable (classifyError).
 */

/** "203.0.113.10 DOWN (IPSEC IS DOWN) since 2026-11-29T01:00:00.000Z" */
const tunnelText = (t: VgwTelemetry) =>
  `${t.OutsideIpAddress ?? '?'} ${t.Status ?? 'unknown'}${t.StatusMessage ? ` (${t.StatusMessage})` : ''}${t.LastStatusChange ? ` since ${t.LastStatusChange.toISOString()}` : ''}`;

/** The connection's state and tunnels, with what is unmet. */
function vpnFacts(vpn: VpnConnection, what: string, minTunnelsUp: number): { text: string; ok: boolean; observations: JsonObject } {
  const tunnels = vpn.VgwTelemetry ?? [];
  const up = tunnels.filter((t) => t.Status === 'UP').length;
  const state = vpn.State ?? 'unknown';
  const stateOk = state === 'available';
  const tunnelsOk = up >= minTunnelsUp;
  const text = `${what} is ${state}${stateOk ? '' : ', must be available'}; ` +
    `${up} of ${tunnels.length} tunnels UP${tunnelsOk ? ` (need ${minTunnelsUp})` : `, need ${minTunnelsUp}`}${tunnels.length > 0 ? `: ${tunnels.map(tunnelText).join(', ')}` : ''}`;
  return {
    text,
    ok: stateOk && tunnelsOk,
    observations: {
      state,
      tunnelsUp: up,
      tunnels: tunnels.map((t) => ({
        outsideIpAddress: t.OutsideIpAddress ?? null,
        status: t.Status ?? null,
        statusMessage: t.StatusMessage ?? null,
        lastStatusChange: t.LastStatusChange?.toISOString() ?? null,
      })),
    },
  };
}

/** The virtual interface's state and BGP peers, with what is unmet. */
function vifFacts(vif: VirtualInterface, what: string): { text: string; ok: boolean; observations: JsonObject } {
  const state = vif.virtualInterfaceState ?? 'unknown';
  const peers = vif.bgpPeers ?? [];
  const ok = state === 'available';
  const bgp = peers.map((p) => `${p.customerAddress ?? p.bgpPeerId ?? '?'} ${p.bgpStatus ?? 'unknown'}`);
  return {
    text: `${what} is ${state}${ok ? '' : ', must be available'}; BGP peers: ${bgp.length > 0 ? bgp.join(', ') : 'none'}`,
    ok,
    observations: {
      id: vif.virtualInterfaceId ?? null,
      state,
      bgpPeers: peers.map((p) => ({ address: p.customerAddress ?? null, bgpStatus: p.bgpStatus ?? null, bgpPeerState: p.bgpPeerState ?? null })),
    },
  };
}

const vpnConnection: CheckRunner<'vpn-connection'> = async (ctx, spec) => {
  const region = ctx.run.regions[spec.region];
  const vpnWhat = `VPN connection ${spec.vpnConnectionId} in ${region}`;
  const vifId = spec.directConnectVirtualInterfaceId;
  const vifWhat = `Direct Connect virtual interface ${vifId ?? ''} in ${region}`;
  const [vpnAnswer, vifAnswer] = await Promise.all([
    awsCall(() => ctx.clients.get(EC2Client, region).send(new DescribeVpnConnectionsCommand({ VpnConnectionIds: [spec.vpnConnectionId] }))),
    vifId === undefined
      ? Promise.resolve(undefined)
      : awsCall(() => ctx.clients.get(DirectConnectClient, region).send(new DescribeVirtualInterfacesCommand({ virtualInterfaceId: vifId }))),
  ]);

  const segments: string[] = [];
  const awsErrors: JsonObject = {};
  let passed = true;
  const observations: JsonObject = { region, vpnConnectionId: spec.vpnConnectionId, minTunnelsUp: spec.minTunnelsUp };

  if (!vpnAnswer.ok) {
    passed = false;
    segments.push(refusedDetail('DescribeVpnConnections', vpnWhat, vpnAnswer));
    awsErrors.DescribeVpnConnections = vpnAnswer.awsError;
    Object.assign(observations, { state: null, tunnelsUp: null, tunnels: [] });
  } else {
    const vpn = vpnAnswer.value.VpnConnections?.find((v) => v.VpnConnectionId === spec.vpnConnectionId);
    if (!vpn) {
      passed = false;
      segments.push(`${vpnWhat}: not returned by DescribeVpnConnections`);
      Object.assign(observations, { state: null, tunnelsUp: null, tunnels: [] });
    } else {
      const facts = vpnFacts(vpn, vpnWhat, spec.minTunnelsUp);
      passed &&= facts.ok;
      segments.push(facts.text);
      Object.assign(observations, facts.observations);
    }
  }

  if (vifAnswer === undefined) {
    observations.virtualInterface = null;
  } else if (!vifAnswer.ok) {
    passed = false;
    segments.push(refusedDetail('DescribeVirtualInterfaces', vifWhat, vifAnswer));
    awsErrors.DescribeVirtualInterfaces = vifAnswer.awsError;
    observations.virtualInterface = { id: vifId ?? null, state: null, bgpPeers: [] };
  } else {
    const vif = vifAnswer.value.virtualInterfaces?.find((v) => v.virtualInterfaceId === vifId);
    if (!vif) {
      passed = false;
      segments.push(`${vifWhat}: not returned by DescribeVirtualInterfaces`);
      observations.virtualInterface = { id: vifId ?? null, state: null, bgpPeers: [] };
    } else {
      const facts = vifFacts(vif, `Direct Connect virtual interface ${vifId}`);
      passed &&= facts.ok;
      segments.push(facts.text);
      observations.virtualInterface = facts.observations;
    }
  }
  if (Object.keys(awsErrors).length > 0) observations.awsErrors = awsErrors;
  return { status: passed ? 'passed' : 'failed', detail: segments.join('; '), observations };
};

export const VPN_CONNECTION_CHECKS: { 'vpn-connection': CheckRunner<'vpn-connection'> } = { 'vpn-connection': vpnConnection };
