import { Annotations, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';

/** The id of the endpoint this library adds to a VPC (one per VPC, shared by every database in it). */
export const SECRETS_MANAGER_ENDPOINT_ID = 'SecretsManagerEndpoint';

/** Whether any of the selected subnets is isolated (no route to the internet, so none to Secrets Manager). */
function selectsIsolated(vpc: ec2.IVpc, subnets: ec2.SubnetSelection): boolean {
  const isolated = new Set(vpc.isolatedSubnets.map(s => s.subnetId));
  return vpc.selectSubnets(subnets).subnets.some(s => isolated.has(s.subnetId));
}

/** The interface endpoints for Secrets Manager in a VPC, among every construct of the app. */
function secretsManagerEndpointsOf(vpc: ec2.IVpc): ec2.CfnVPCEndpoint[] {
  return vpc.node.root.node.findAll().filter((c): c is ec2.CfnVPCEndpoint => c instanceof ec2.CfnVPCEndpoint
    && c.vpcId === vpc.vpcId
    && (c.vpcEndpointType ?? 'Gateway') === 'Interface'
    // The service name holds tokens (com.amazonaws.<region>.secretsmanager<suffix>): look for the service's part.
    && typeof c.serviceName === 'string' && /\.secretsmanager(-fips)?(\$\{Token\[[^\]]+\]\})?$/.test(c.serviceName));
}

/**
 * The provisioning and rotation functions run in the cluster's subnets and call the Secrets Manager API. In an
 * isolated subnet that works only through an interface endpoint: without one, the functions' calls hang until
 * they time out, and a deploy that waits on them (the user provisioning custom resource) waits with them. So,
 * when something that calls Secrets Manager is added to a cluster in isolated subnets of a VPC this app defines,
 * and that VPC has no Secrets Manager endpoint: add one to the VPC (private DNS on, in the cluster's subnets),
 * unless `create` is false, when a warning names the missing route. A VPC defined elsewhere cannot be inspected.
 */
export function ensureSecretsManagerEndpoint(scope: IConstruct, vpc: ec2.IVpc, subnets: ec2.SubnetSelection,
  create: boolean): void {
  const cfnVpc = vpc.node.defaultChild;
  if (!(cfnVpc instanceof ec2.CfnVPC) || !selectsIsolated(vpc, subnets)) return;
  if (secretsManagerEndpointsOf(vpc).length > 0) return;
  if (!create) {
    Annotations.of(scope).addWarningV2('cdk-aurora-postgres:noSecretsManagerRoute',
      `The cluster is in isolated subnets of ${vpc.node.path}, which has no Secrets Manager interface endpoint, and `
      + 'secretsManagerEndpoint is false: the user provisioning and rotation functions reach Secrets Manager only if '
      + 'another route exists (a shared endpoint through a transit gateway, a proxy). Without one, they time out.');
    return;
  }
  const endpoint = vpc.addInterfaceEndpoint(SECRETS_MANAGER_ENDPOINT_ID, {
    service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    subnets,
    privateDnsEnabled: true,
    open: false,
  });
  // HTTPS from inside the VPC, from its literal CIDR block (known for a VPC defined in the app; cdk-nag cannot
  // check a reference).
  const cidr = typeof cfnVpc.cidrBlock === 'string' && !Token.isUnresolved(cfnVpc.cidrBlock) ? cfnVpc.cidrBlock : vpc.vpcCidrBlock;
  endpoint.connections.allowDefaultPortFrom(ec2.Peer.ipv4(cidr), 'HTTPS to Secrets Manager from inside the VPC');
}
