import { Lazy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { throwPropError } from './errors';

/** RDS Proxy listens on 5432 for PostgreSQL, whatever the cluster's port (AWS: "RDS Proxy limitations"). */
export const PROXY_PORT = 5432;

/** What the proxy needs, already validated by `AuroraPostgres`. */
export interface ProxyParts {
  readonly cluster: rds.IDatabaseCluster;
  /** The secrets the proxy logs in with: the master secret, then any other user's. */
  readonly secrets: secretsmanager.ISecret[];
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  /** Whether the cluster has readers: only then a read-only proxy endpoint can exist. */
  readonly hasReaders: boolean;
}

/** The proxy and what the link needs from it. */
export interface ProxyResult {
  readonly proxy: rds.DatabaseProxy;
  readonly securityGroup: ec2.SecurityGroup;
  /** The read-only endpoint's host, when the cluster has readers. */
  readonly readerHost?: string;
  /** Registers one more secret (a database user's) with the proxy, and lets the proxy read it. */
  readonly registerSecret: (secret: secretsmanager.ISecret) => void;
}

/** Why `proxy: true` is refused on a variant, or undefined when it is allowed. */
export interface ProxyVariantInfo {
  readonly variantName: string;
  readonly isGlobalSecondary: boolean;
  readonly hasSecret: boolean;
}

/**
 * Refuses `proxy: true` where it cannot work. AWS supports RDS Proxy on every cluster of a global database,
 * but on a secondary the proxy's default (read/write) endpoint has no writer to route to, and the secret it
 * must log in with is a replica whose full ARN (with its random suffix) is unknown at synth time. A restore
 * without `snapshotUsername` has no secret at all.
 */
export function validateProxyVariant(scope: Construct, info: ProxyVariantInfo): void {
  if (info.isGlobalSecondary) {
    throwPropError(scope, {
      prop: 'proxy',
      value: true,
      allowed: 'only on a cluster with a writer and a credentials secret of its own stack: this cluster is a global secondary, whose proxy would have no writer behind its default endpoint and could not name the replicated secret by its full ARN (RDS Proxy needs it)',
      fix: 'put the proxy in the primary\'s stack (proxy: true there); after a promotion, deploy the promoted cluster as a primary with proxy: true',
    });
  }
  if (!info.hasSecret) {
    throwPropError(scope, {
      prop: 'proxy',
      value: true,
      allowed: `only on a database with a credentials secret (RDS Proxy logs in with Secrets Manager secrets); this cluster is ${info.variantName} without one`,
      fix: 'set snapshotUsername so that a secret is generated and applied on restore, or drop proxy',
    });
  }
}

/**
 * An RDS Proxy in front of the cluster, in the cluster's subnets, TLS required, with a security group of its
 * own (no outbound rule but to the cluster, which admits it), and a read-only endpoint when there are readers.
 */
export function createProxy(scope: Construct, parts: ProxyParts): ProxyResult {
  const securityGroup = new ec2.SecurityGroup(scope, 'ProxySecurityGroup', {
    vpc: parts.vpc,
    description: `RDS Proxy of Aurora PostgreSQL ${scope.node.path}`,
    allowAllOutbound: false,
  });
  const role = new iam.Role(scope, 'ProxyRole', {
    assumedBy: new iam.ServicePrincipal('rds.amazonaws.com'),
    description: `Reads the database secrets of the RDS Proxy of ${scope.node.path}`,
  });
  // ProxyTarget.fromCluster makes the cluster admit the proxy (and, as outbound is closed, the proxy reach it).
  const proxy = new rds.DatabaseProxy(scope, 'Proxy', {
    proxyTarget: rds.ProxyTarget.fromCluster(parts.cluster),
    secrets: parts.secrets,
    role,
    vpc: parts.vpc,
    vpcSubnets: parts.vpcSubnets,
    securityGroups: [securityGroup],
    requireTLS: true,
    // Clients log in with the passwords of the registered secrets; IAM auth at the proxy would refuse them.
    iamAuth: false,
  });
  // A read-only endpoint needs at least one reader instance (RDS Proxy refuses it on a writer-only cluster).
  const reader = parts.hasReaders
    ? proxy.addEndpoint('ReadOnlyEndpoint', {
      vpc: parts.vpc,
      vpcSubnets: parts.vpcSubnets,
      securityGroups: [securityGroup],
      targetRole: rds.ProxyEndpointTargetRole.READ_ONLY,
    })
    : undefined;
  // Database users are added after the proxy exists: their secrets join the proxy's auth list lazily.
  const secrets = [...parts.secrets];
  const cfn = proxy.node.defaultChild as rds.CfnDBProxy;
  cfn.auth = Lazy.any({
    produce: () => secrets.map(s => ({ authScheme: 'SECRETS', iamAuth: 'DISABLED', secretArn: s.secretArn })),
  });
  const registerSecret = (secret: secretsmanager.ISecret) => {
    secrets.push(secret);
    secret.grantRead(role);
    secret.encryptionKey?.grantDecrypt(role);
  };
  return { proxy, securityGroup, readerHost: reader?.endpoint, registerSecret };
}
