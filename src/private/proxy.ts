import { createHash } from 'crypto';
import { Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { PropErrorDetails, throwPropError } from './errors';
import { dbUserArn } from './iam-connect';

/** RDS Proxy listens on 5432 for PostgreSQL, whatever the cluster's port (AWS: "RDS Proxy limitations"). */
export const PROXY_PORT = 5432;

/** The proxy settings as the user gave them (the shape of the public `ProxyOptions`). */
export interface ProxySettings {
  readonly proxyName?: string;
  readonly maxConnectionsPercent?: number;
  readonly maxIdleConnectionsPercent?: number;
  readonly borrowTimeout?: Duration;
  readonly idleClientTimeout?: Duration;
  readonly debugLogging?: boolean;
  /** 'PASSWORD' (default: the proxy logs in with registered secrets) or 'IAM' (end to end, no secrets). */
  readonly authentication?: string;
}

/** What the proxy needs, already validated by `AuroraPostgres`. */
export interface ProxyParts {
  readonly cluster: rds.IDatabaseCluster;
  /** The secrets the proxy logs in with: the master secret, then any other user's. */
  readonly secrets: secretsmanager.ISecret[];
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  /** Whether the cluster has readers: only then a read-only proxy endpoint can exist. */
  readonly hasReaders: boolean;
  /** The user's proxy settings. */
  readonly settings?: ProxySettings;
}

/** The proxy and what the link needs from it. */
export interface ProxyResult {
  readonly proxy: rds.DatabaseProxy;
  readonly securityGroup: ec2.SecurityGroup;
  /** The read-only endpoint's host, when the cluster has readers. */
  readonly readerHost?: string;
  /** Registers one more secret (a database user's) with the proxy, and lets the proxy read it. */
  readonly registerSecret: (secret: secretsmanager.ISecret) => void;
  /** Whether clients and the proxy log in with IAM (`DefaultAuthScheme: IAM_AUTH`): no secret is registered. */
  readonly iamAuth: boolean;
  /** With IAM: lets the proxy log in to the cluster as an IAM user (`rds-db:connect` on the cluster). */
  readonly allowIamUser: (username: string) => void;
}

/** The proxy props and what decides whether a proxy can exist, as `validateProxyProps` reads them. */
export interface ProxyPropsToValidate {
  readonly proxy?: boolean;
  readonly proxyOptions?: ProxySettings;
  /** Why the cluster's variant refuses a proxy (its capabilities), if it does. */
  readonly variantRefusal?: PropErrorDetails;
  /** Whether Serverless v2 instances may pause (a minimum of 0 ACUs). */
  readonly autoPause: boolean;
}

/**
 * Validates `proxy` and `proxyOptions` and returns the proxy settings, or undefined without a proxy. Refuses
 * `proxyOptions` without `proxy`, a proxy the variant cannot have (a global secondary, a restore without
 * credentials: the variant says why), a proxy on instances that pause, and settings out of AWS's ranges.
 */
export function validateProxyProps(scope: Construct, props: ProxyPropsToValidate): ProxySettings | undefined {
  if (props.proxyOptions !== undefined && !props.proxy) {
    throwPropError(scope, {
      code: 'PROXY_OPTIONS_WITHOUT_PROXY',
      prop: 'proxyOptions',
      value: Object.keys(props.proxyOptions).join(', ') || '{}',
      allowed: 'only together with proxy: true',
      fix: 'set proxy: true, or drop proxyOptions',
    });
  }
  if (!props.proxy) return undefined;
  if (props.variantRefusal) throwPropError(scope, props.variantRefusal);
  if (props.autoPause) {
    // AWS, "Scaling to Zero ACUs with automatic pause and resume for Aurora Serverless v2": a cluster associated
    // with an RDS Proxy does not pause (the proxy keeps connections to it); and a proxy bills 8 ACUs at least.
    throwPropError(scope, {
      code: 'PROXY_WITH_AUTO_PAUSE',
      prop: 'proxy',
      value: true,
      allowed: 'only on a cluster whose Serverless v2 instances do not pause: serverlessV2MinCapacity is 0 here, and an RDS Proxy keeps connections open to the instances, so they would never pause while the proxy is billed for 8 ACUs at least',
      fix: 'set serverlessV2MinCapacity to 0.5 or more to keep the proxy, or drop proxy to let the instances pause',
    });
  }
  const settings = props.proxyOptions ?? {};
  validateProxySettings(scope, settings);
  return settings;
}

/** AWS's ranges for the proxy settings (`CreateDBProxy`, `ModifyDBProxyTargetGroup`). */
const BORROW_TIMEOUT_MAX_SECONDS = 3600;
const IDLE_CLIENT_TIMEOUT_MAX_SECONDS = 28_800;
const PROXY_NAME = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}$/;

function validatePercent(scope: Construct, prop: string, value: number | undefined, min: number, max: number, fix: string): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throwPropError(scope, { code: 'PROXY_PERCENT_RANGE', prop: `proxyOptions.${prop}`, value, allowed: `a whole percentage from ${min} to ${max}`, fix });
  }
}

function validateSeconds(scope: Construct, prop: string, value: Duration | undefined, min: number, max: number, allowed: string): void {
  if (value === undefined || value.isUnresolved()) return;
  const ms = value.toMilliseconds();
  if (ms % 1000 !== 0 || ms < min * 1000 || ms > max * 1000) {
    throwPropError(scope, {
      code: 'PROXY_TIMEOUT_RANGE',
      prop: `proxyOptions.${prop}`,
      value: value.toHumanString(),
      allowed,
      fix: `use whole seconds in that range, e.g. Duration.seconds(${Math.min(Math.max(min, 60), max)}), or leave proxyOptions.${prop} out for RDS's default`,
    });
  }
}

/** Validates the proxy settings against AWS's ranges. */
function validateProxySettings(scope: Construct, s: ProxySettings): void {
  const name = s.proxyName;
  if (name !== undefined && !Token.isUnresolved(name) && (!PROXY_NAME.test(name) || name.endsWith('-'))) {
    throwPropError(scope, {
      code: 'PROXY_NAME_INVALID',
      prop: 'proxyOptions.proxyName',
      value: name,
      allowed: 'a letter, then letters, digits and hyphens, at most 63 characters, no two hyphens in a row, not ending with a hyphen (RDS Proxy identifiers)',
      fix: "e.g. 'orders-db-proxy', or leave proxyName out for a unique generated name",
    });
  }
  validatePercent(scope, 'maxConnectionsPercent', s.maxConnectionsPercent, 1, 100,
    'e.g. 90 to leave room for connections that bypass the proxy, or leave it out for 100');
  const maxPercent = s.maxConnectionsPercent !== undefined && !Token.isUnresolved(s.maxConnectionsPercent) ? s.maxConnectionsPercent : 100;
  validatePercent(scope, 'maxIdleConnectionsPercent', s.maxIdleConnectionsPercent, 0, maxPercent,
    `at most maxConnectionsPercent (${maxPercent}); leave it out for half of it`);
  validateSeconds(scope, 'borrowTimeout', s.borrowTimeout, 0, BORROW_TIMEOUT_MAX_SECONDS,
    'whole seconds from 0 (no limit) to 1 hour (ConnectionBorrowTimeout)');
  validateSeconds(scope, 'idleClientTimeout', s.idleClientTimeout, 1, IDLE_CLIENT_TIMEOUT_MAX_SECONDS,
    'whole seconds from 1 second to 8 hours (IdleClientTimeout)');
}

/**
 * A proxy name that cannot collide in an account and region: the stack name (unique per account and region) and
 * the construct path in the stack, in lower case, with a hash of both, at most 60 characters. Falls back to the
 * construct path alone when the stack name is a token.
 */
export function uniqueProxyName(proxyScope: Construct): string {
  const stack = Stack.of(proxyScope);
  const stackName = Token.isUnresolved(stack.stackName) ? stack.node.path : stack.stackName;
  const inStack = proxyScope.node.scopes.slice(proxyScope.node.scopes.indexOf(stack) + 1).map(c => c.node.id);
  const hash = createHash('sha256').update([stackName, ...inStack].join('/')).digest('hex').slice(0, 8);
  const clean = (part: string) => part.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const readable = [clean(stackName), ...inStack.map(clean)].filter(p => p.length > 0).join('-');
  const head = readable.slice(0, 60 - hash.length - 1).replace(/-+$/, '');
  const name = `${head}-${hash}`;
  return /^[a-z]/.test(name) ? name : `p${name}`.slice(0, 60);
}

/**
 * An RDS Proxy in front of the cluster, in the cluster's subnets, TLS required, with a security group of its
 * own (no outbound rule but to the cluster, which admits it), and a read-only endpoint when there are readers.
 * The links no longer use that endpoint (their reader host is the cluster reader endpoint: a proxy endpoint's
 * certificate does not name it); it stays because removing it would delete a resource on upgrade.
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
  const settings = parts.settings ?? {};
  // End-to-end IAM (RDS Proxy, 2025-09): clients sign tokens for the proxy, the proxy signs its own for the
  // cluster with its role; no Secrets Manager secret is in the path, the master's included.
  const iamAuth = settings.authentication === 'IAM';
  const proxy = newProxy(scope, parts, settings, { role, securityGroup, iamAuth });
  // A read-only endpoint needs at least one reader instance (RDS Proxy refuses it on a writer-only cluster).
  const reader = parts.hasReaders
    ? proxy.addEndpoint('ReadOnlyEndpoint', {
      vpc: parts.vpc,
      vpcSubnets: parts.vpcSubnets,
      securityGroups: [securityGroup],
      targetRole: rds.ProxyEndpointTargetRole.READ_ONLY,
    })
    : undefined;
  const registerSecret = lazySecrets(proxy, role, parts.secrets, iamAuth);
  const allowIamUser = (username: string) => {
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['rds-db:connect'],
      resourceArns: [dbUserArn(scope, { resourceId: parts.cluster.clusterResourceIdentifier, username })],
    });
  };
  return { proxy, securityGroup, readerHost: reader?.endpoint, registerSecret, iamAuth, allowIamUser };
}

/** The proxy resource, with a name that cannot collide in the account and region. */
function newProxy(scope: Construct, parts: ProxyParts, settings: ProxySettings,
  own: { role: iam.IRole; securityGroup: ec2.ISecurityGroup; iamAuth: boolean }): rds.DatabaseProxy {
  // ProxyTarget.fromCluster makes the cluster admit the proxy (and, as outbound is closed, the proxy reach it).
  const proxy = new rds.DatabaseProxy(scope, 'Proxy', {
    maxConnectionsPercent: settings.maxConnectionsPercent
      ?? (settings.maxIdleConnectionsPercent !== undefined ? 100 : undefined), // RDS wants both when idle is set
    maxIdleConnectionsPercent: settings.maxIdleConnectionsPercent,
    borrowTimeout: settings.borrowTimeout,
    idleClientTimeout: settings.idleClientTimeout,
    debugLogging: settings.debugLogging,
    proxyTarget: rds.ProxyTarget.fromCluster(parts.cluster),
    secrets: own.iamAuth ? undefined : parts.secrets,
    defaultAuthScheme: own.iamAuth ? rds.DefaultAuthScheme.IAM_AUTH : undefined,
    role: own.role,
    vpc: parts.vpc,
    vpcSubnets: parts.vpcSubnets,
    securityGroups: [own.securityGroup],
    requireTLS: true,
    // Clients log in with the passwords of the registered secrets; IAM auth at the proxy would refuse them.
    iamAuth: false,
  });
  // aws-cdk-lib names the proxy after its construct id ('Proxy') unless the app sets a feature flag: two databases
  // with a proxy in one account and region would collide. The name is create-only: changing it replaces the proxy.
  (proxy.node.defaultChild as rds.CfnDBProxy).dbProxyName = settings.proxyName ?? uniqueProxyName(proxy);
  return proxy;
}

/**
 * Database users are added after the proxy exists: their secrets join the proxy's auth list lazily. Returns the
 * function that registers one more secret (and lets the proxy read it).
 */
function lazySecrets(proxy: rds.DatabaseProxy, role: iam.IRole, initial: secretsmanager.ISecret[], iamAuth: boolean) {
  const secrets = [...initial];
  if (!iamAuth) {
    (proxy.node.defaultChild as rds.CfnDBProxy).auth = Lazy.any({
      produce: () => secrets.map(s => ({ authScheme: 'SECRETS', iamAuth: 'DISABLED', secretArn: s.secretArn })),
    });
  }
  return (secret: secretsmanager.ISecret) => {
    // An internal invariant (callers register secrets only with a PASSWORD proxy), not bad input.
    if (iamAuth) throw new Error('an RDS Proxy with IAM authentication registers no secret');
    secrets.push(secret);
    secret.grantRead(role);
    secret.encryptionKey?.grantDecrypt(role);
  };
}
