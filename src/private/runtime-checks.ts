import { RemovalPolicy, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';
import { throwPropError } from './errors';

/**
 * What a prop must be at run time. TypeScript callers get these checks from the compiler; JavaScript (and other
 * jsii) callers do not, and a wrong type either passes silently (`multiAz: 'false'` is truthy) or fails deep inside
 * aws-cdk-lib (`engineVersion: '16.4'`: "TypeError ... 's3Import'").
 */
export type RuntimeType =
  | 'boolean'
  | 'number'
  | 'string'
  | 'string[]'
  | 'array'
  | 'object'
  | RuntimeClass
  | RuntimeEnum;

/** An instance of a class (checked by its members, so that two copies of aws-cdk-lib still agree). */
export interface RuntimeClass {
  /** The class as a user writes it, e.g. `Duration` or `rds.AuroraPostgresEngineVersion`. */
  readonly className: string;
  /** Members that every instance has, e.g. `['toSeconds']`. */
  readonly members: string[];
  /** A valid value, as code, e.g. `Duration.days(7)`. */
  readonly example: string;
}

/** One of the values of an enum (string or number enum), e.g. `RemovalPolicy`. */
export interface RuntimeEnum {
  /** The enum as a user writes it, e.g. `RemovalPolicy`. */
  readonly enumName: string;
  /** The enum object itself, e.g. `RemovalPolicy`. */
  readonly values: { [name: string]: string | number };
}

/** aws-cdk-lib's `Duration` (the CDK side). */
export const CDK_DURATION: RuntimeClass = { className: 'Duration', members: ['toSeconds', 'toHumanString'], example: 'Duration.days(7)' };
/** A VPC (`ec2.IVpc`). */
export const VPC: RuntimeClass = { className: 'ec2.IVpc', members: ['selectSubnets'], example: "new ec2.Vpc(stack, 'Vpc')" };

const A: { [type: string]: string } = {
  'boolean': 'a boolean, true or false',
  'number': 'a number',
  'string': 'a string',
  'string[]': 'an array of strings',
  'array': 'an array',
  'object': 'an object',
};

/** What JavaScript says a value is, in words: `a string`, `a number`, `an array`, `null`, ... */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const t = typeof value;
  if (t === 'object') {
    const name = (value as object).constructor?.name;
    return name && name !== 'Object' ? `an instance of ${name}` : 'a plain object';
  }
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function render(value: unknown): string {
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value); // a construct (circular)
  }
}

function fixFor(prop: string, value: unknown, type: RuntimeType): string {
  prop = prop.split('.').pop()!;
  if (type === 'boolean' && (value === 'true' || value === 'false')) return `write ${prop}: ${value} without quotes`;
  if (type === 'number' && typeof value === 'string' && value.trim() !== '' && !isNaN(Number(value))) return `write ${prop}: ${Number(value)} without quotes`;
  if (typeof type === 'string') return `give ${prop} ${A[type]}`;
  if ('className' in type) return `give ${prop} as ${type.example}`;
  const names = Object.keys(type.values).filter(k => isNaN(Number(k)));
  return `give ${prop} as ${type.enumName}.${names[0]} (or another ${type.enumName} member)`;
}

function matches(value: unknown, type: RuntimeType): boolean {
  switch (type) {
    case 'boolean': return typeof value === 'boolean';
    case 'number': return typeof value === 'number' && !isNaN(value);
    case 'string': return typeof value === 'string';
    case 'string[]': return Array.isArray(value) && value.every(v => typeof v === 'string' || Token.isUnresolved(v));
    case 'array': return Array.isArray(value);
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
  if ('className' in type) {
    return typeof value === 'object' && value !== null && type.members.every(m => (value as any)[m] !== undefined);
  }
  return Object.values(type.values).includes(value as string | number);
}

function allowed(type: RuntimeType): string {
  if (typeof type === 'string') return A[type];
  if ('className' in type) return `an instance of ${type.className}, e.g. ${type.example}`;
  const names = Object.keys(type.values).filter(k => isNaN(Number(k)));
  return `a member of ${type.enumName}: ${names.map(n => `${type.enumName}.${n}`).join(', ')}`;
}

/**
 * Validates the run-time type of each given prop (an absent prop is not checked: its default applies; a CDK token
 * is not checked). One line at the top of a constructor; throws the library's bad-input error, naming the prop, the
 * value and its type, what is allowed and the fix.
 */
export function validatePropTypes(scope: IConstruct, props: unknown, types: { [prop: string]: RuntimeType }, propsName = 'props'): void {
  const prefix = propsName === 'props' ? '' : `${propsName}.`;
  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    throwPropError(scope, {
      code: 'PROPS_NOT_AN_OBJECT',
      prop: propsName,
      value: typeof props === 'object' || typeof props === 'function' ? render(props) : props,
      allowed: `an object of props, not ${typeOf(props)}`,
      fix: `pass the props as an object, e.g. new ${scope.constructor.name}(scope, id, { ... })`,
    });
  }
  for (const [prop, type] of Object.entries(types)) {
    const value = (props as { [prop: string]: unknown })[prop];
    if (value === undefined || Token.isUnresolved(value) || matches(value, type)) continue;
    throwPropError(scope, {
      code: 'PROP_TYPE_INVALID',
      prop: prefix + prop,
      value: typeof value === 'object' || typeof value === 'function' ? render(value) : value,
      allowed: `${allowed(type)}, not ${typeOf(value)}`,
      fix: fixFor(prefix + prop, value, type),
    });
  }
}

/** The run-time types of `AuroraPostgresProps`. */
export function auroraPostgresTypes(): { [prop: string]: RuntimeType } {
  return {
    vpc: VPC,
    vpcSubnets: 'object',
    instanceClass: 'string',
    engineVersion: {
      className: 'rds.AuroraPostgresEngineVersion',
      members: ['auroraPostgresMajorVersion', 'auroraPostgresFullVersion'],
      example: "rds.AuroraPostgresEngineVersion.VER_17_9 (or rds.AuroraPostgresEngineVersion.of('17.9', '17'))",
    },
    multiAz: 'boolean',
    instances: 'number',
    databaseName: 'string',
    masterUsername: 'string',
    port: 'number',
    backupRetention: CDK_DURATION,
    preferredBackupWindow: 'string',
    preferredMaintenanceWindow: 'string',
    deletionProtection: 'boolean',
    removalPolicy: { enumName: 'RemovalPolicy', values: RemovalPolicy as any },
    extraSecurityGroups: 'array',
    allowFromVpcCidr: 'boolean',
    iamAuthentication: 'boolean',
    rotation: 'boolean',
    rotationInterval: CDK_DURATION,
    cloudwatchLogsRetention: { enumName: 'logs.RetentionDays', values: logs.RetentionDays as any },
    requireTls: 'boolean',
    parameters: 'object',
    autoMinorVersionUpgrade: 'boolean',
    clusterIdentifier: 'string',
    restoreFromSnapshot: 'string',
    snapshotUsername: 'string',
    createGlobalDatabase: 'boolean',
    globalDatabaseId: 'string',
    secretReplicaRegions: 'string[]',
    existingGlobalDatabaseId: 'string',
    primarySecretName: 'string',
    proxy: 'boolean',
    proxyOptions: 'object',
    secretsManagerEndpoint: 'boolean',
    storageType: { enumName: 'rds.DBClusterStorageType', values: rds.DBClusterStorageType as any },
    databaseInsightsMode: { enumName: 'rds.DatabaseInsightsMode', values: rds.DatabaseInsightsMode as any },
    monitoringInterval: CDK_DURATION,
    alarms: 'object',
    moduleName: 'string',
  };
}

/** The run-time types of `DatabaseUserProps`; the `DatabaseAccess` and `DatabaseAuthentication` enums are given by the caller. */
export function databaseUserTypes(access: { [name: string]: string | number },
  authentication: { [name: string]: string | number }): { [prop: string]: RuntimeType } {
  return {
    database: { className: 'IAuroraPostgres', members: ['cluster', 'link', 'moduleName', 'vpc'], example: "db.addDatabaseUser('orders', { ... }) on the AuroraPostgres db, or AuroraPostgres.fromClusterAttributes(...)" },
    username: 'string',
    access: { enumName: 'DatabaseAccess', values: access },
    authentication: { enumName: 'DatabaseAuthentication', values: authentication },
    databaseName: 'string',
    schemas: 'string[]',
    rotation: 'boolean',
    rotationInterval: CDK_DURATION,
    removalPolicy: { enumName: 'RemovalPolicy', values: RemovalPolicy as any },
    adoptExistingRoles: 'boolean',
    moduleName: 'string',
  };
}

/** The run-time types of `ExternalSecretsOperatorProps`. */
export function externalSecretsOperatorTypes(): { [prop: string]: RuntimeType } {
  return {
    cluster: { className: 'eks.ICluster', members: ['clusterName'], example: "new eks.Cluster(stack, 'Eks', { ... })" },
    chartVersion: 'string',
    namespace: 'string',
    identityType: { enumName: 'eks.IdentityType', values: eks.IdentityType as any },
    secretStoreName: 'string',
    storeName: 'string',
    region: 'string',
  };
}

/**
 * Refuses a cdk8s chart whose scope is not inside a cdk8s `App` (e.g. an aws-cdk-lib `App` or `Stack`), which
 * cdk8s-plus would otherwise report later as "cannot find a parent chart".
 */
export function validateInCdk8sApp(chart: IConstruct, isCdk8sApp: (root: IConstruct) => boolean): void {
  const root = chart.node.root;
  if (isCdk8sApp(root)) return;
  throwPropError(chart, {
    prop: 'scope',
    value: `${root.constructor.name} at the root of '${chart.node.path}'`,
    allowed: 'a cdk8s App (from the cdk8s package), or a construct inside one; not an aws-cdk-lib App or Stack',
    fix: "create the chart on a cdk8s App: new PostgresLinkChart(new cdk8s.App(), 'orders-db', { ... }); to deploy it from a CDK app, pass that chart to eksCluster.addCdk8sChart(...) or eso.addChart(...)",
  });
}
