import { createHash } from 'node:crypto';
import {
  DescribeVirtualInterfacesCommand,
  DirectConnectClient,
  type DescribeVirtualInterfacesCommandInput,
  type VirtualInterface,
} from '@aws-sdk/client-direct-connect';
import { planChecksOf, roleRegion, vpnGatewayIdOf } from './ec2.ts';
import { simulateClient } from './intercept.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { awsError, planAccount, type World } from './world.ts';

/**
 * Direct Connect is a JSON service whose throttling is not modelled: ThrottlingException is the error common to its
 * actions (https://docs.aws.amazon.com/directconnect/latest/APIReference/CommonErrors.html).
 */
const SIM: ServiceSimulation = { service: 'directconnect', throttleError: 'ThrottlingException' };

/** The customer side's BGP ASN (assumption: a private ASN) and Amazon's side (the virtual private gateway's default, 64512). */
const CUSTOMER_ASN = 65000;
const AMAZON_ASN = 64512;

const hex = (seed: string, n: number) => createHash('sha256').update(seed).digest('hex').slice(0, n);
/** Direct Connect ids: a prefix and 8 lower-case characters (as the plan's schema takes them). */
const dxId = (prefix: string, seed: string) => `${prefix}-${hex(seed, 8)}`;

interface SimulatedInterface { id: string; region: string; index: number }

/**
 * Direct Connect for the plan's `vpn-connection` checks: each check's directConnectVirtualInterfaceId is a private
 * virtual interface in the region of its region role, on a dedicated connection of the account, attached to the
 * region's virtual private gateway (the VPN connections' gateway, ec2.ts), VLANs 101, 102… in plan order, one IPv4 BGP peer with
 * link-local addresses 169.254.255.0/30 (assumption): `available`, bgpStatus `up`. Under the `vpn-down` fault the
 * interface is `down` ("a virtual interface that is BGP down") and its peer's bgpStatus `down`
 * (https://docs.aws.amazon.com/directconnect/latest/APIReference/API_VirtualInterface.html,
 * https://docs.aws.amazon.com/directconnect/latest/APIReference/API_BGPPeer.html). In a region the drill's outage
 * takes down, the endpoint does not answer (service.ts `answer`).
 *
 * DescribeVirtualInterfaces by virtualInterfaceId or connectionId (or neither: every interface in the region). An
 * unknown virtual interface id is DirectConnectClientException, the action's error for invalid parameters
 * (https://docs.aws.amazon.com/directconnect/latest/APIReference/API_DescribeVirtualInterfaces.html); its message
 * here is an assumption.
 */
export function simulateDirectConnect(world: World): SimulatedService {
  const stub = simulateClient(DirectConnectClient);
  const account = planAccount(world.plan);
  const interfaces = new Map<string, SimulatedInterface>();
  for (const { check, component } of planChecksOf(world, 'vpn-connection')) {
    const id = check.directConnectVirtualInterfaceId;
    if (id === undefined) continue;
    const region = roleRegion(world, check.region);
    const key = `${region}:${id}`;
    if (!interfaces.has(key)) interfaces.set(key, { id, region, index: interfaces.size });
    if (component) world.own(SIM.service, region, id, component);
  }
  const down = () => world.faults.some((f) => f.kind === 'vpn-down');
  const connectionOf = (region: string) => dxId('dxcon', `connection/${region}`);

  function virtualInterface(v: SimulatedInterface): VirtualInterface {
    const isDown = down();
    const peer = {
      bgpPeerId: dxId('dxpeer', `bgp-peer/${v.region}/${v.id}`),
      asn: CUSTOMER_ASN,
      addressFamily: 'ipv4' as const,
      amazonAddress: '169.254.255.1/30',
      customerAddress: '169.254.255.2/30',
      bgpPeerState: 'available' as const,
      bgpStatus: isDown ? ('down' as const) : ('up' as const),
    };
    return {
      ownerAccount: account,
      virtualInterfaceId: v.id,
      connectionId: connectionOf(v.region),
      virtualInterfaceType: 'private',
      virtualInterfaceName: `dr-backup-${v.id}`,
      vlan: 101 + v.index,
      asn: CUSTOMER_ASN,
      amazonSideAsn: AMAZON_ASN,
      amazonAddress: peer.amazonAddress,
      customerAddress: peer.customerAddress,
      addressFamily: 'ipv4',
      virtualInterfaceState: isDown ? 'down' : 'available',
      mtu: 1500,
      jumboFrameCapable: false,
      virtualGatewayId: vpnGatewayIdOf(v.region),
      routeFilterPrefixes: [],
      bgpPeers: [peer],
      region: v.region,
      tags: [],
    };
  }

  refuseOthers(SIM, stub);
  answer<DescribeVirtualInterfacesCommandInput, unknown>(world, SIM, stub, DescribeVirtualInterfacesCommand, (input, region) => {
    const inRegion = [...interfaces.values()].filter((v) => v.region === region);
    if (input.virtualInterfaceId !== undefined && !inRegion.some((v) => v.id === input.virtualInterfaceId)) {
      throw awsError('DirectConnectClientException', `Virtual interface ${input.virtualInterfaceId} does not exist.`, 400);
    }
    const chosen = inRegion.filter((v) => (input.virtualInterfaceId === undefined || v.id === input.virtualInterfaceId)
      && (input.connectionId === undefined || connectionOf(v.region) === input.connectionId));
    return { virtualInterfaces: chosen.map(virtualInterface) };
  });

  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => Object.fromEntries([...interfaces.values()].map((v) => {
      const vif = virtualInterface(v);
      return [`${v.region}/${v.id}`, { state: vif.virtualInterfaceState, bgp: vif.bgpPeers?.map((p) => p.bgpStatus) }];
    })),
  };
}
