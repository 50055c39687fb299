import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';
import type { AuroraPostgresProps } from '../aurora-postgres-props';
import { validateAlarmThresholds, ValidatedAlarms } from './alarms';
import { ClusterVariant } from './cluster-variant';
import { DEFAULT_POSTGRES_PORT, DEFAULT_ROTATION_DAYS } from './defaults';
import { throwPropError } from './errors';
import { instanceMemoryGiB, isBurstable, maxConnectionsOf, MaxConnections, validateInstanceClass } from './instance-class';
import { linkOutputKeys, validateOutputKeysFree } from './link-outputs';
import { validateMonitoring } from './monitoring';
import { ENGINE_VERSION_SUFFIX, GLOBAL_DATABASE_ID_SUFFIX, READER_HOST_SUFFIX } from './output-keys';
import { PROXY_PORT, ProxySettings, validateProxyProps } from './proxy';
import { auroraPostgresTypes, validatePropTypes } from './runtime-checks';
import { SERVERLESS, validateServerlessScaling } from './serverless';
import { validateClusterParameters } from './tls';
import {
  validateBackupRetention, validateDatabaseName, validateInstanceCount, validateClusterModuleName, validatePort, validateSubnets,
  validateSubnetZones, validateUsername,
} from './validate';
import { selectVariant } from './variant-selection';

/** The engine version of a new cluster when `engineVersion` is left out. */
export const DEFAULT_ENGINE_VERSION = rds.AuroraPostgresEngineVersion.VER_17_9;

/** The instances: their class, count and what the alarms need to know of them. */
export interface ValidatedInstances {
  /** `serverless` for Serverless v2, else the provisioned class as given. */
  readonly instanceClass: string;
  /** The EC2 type of a provisioned class; undefined for Serverless v2. */
  readonly instanceType?: ec2.InstanceType;
  /** Writer plus readers. */
  readonly count: number;
  /** The Serverless v2 capacity props of the cluster (empty for provisioned instances). */
  readonly serverless: Partial<rds.DatabaseClusterProps>;
  /** GiB of one instance (the class's, or twice the maximum ACUs), if known. */
  readonly memoryGiB?: number;
  /** One instance's `max_connections`, if known. */
  readonly maxConnections?: MaxConnections;
  readonly burstable: boolean;
}

/** What `AuroraPostgres` builds from: every prop validated, defaulted and checked against the others. */
export interface ValidatedClusterOptions {
  readonly moduleName: string;
  /** The variant (standard, restored, global primary or secondary), with its capabilities. */
  readonly variant: ClusterVariant;
  readonly engineVersion: rds.AuroraPostgresEngineVersion;
  readonly instances: ValidatedInstances;
  /** Storage type, Database Insights, Enhanced Monitoring and Performance Insights retention props. */
  readonly monitoring: Partial<rds.DatabaseClusterProps>;
  readonly masterUsername: string;
  readonly databaseName: string;
  readonly databaseNameGiven: boolean;
  readonly port: number;
  readonly backupRetention: Duration;
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly deletionProtection: boolean;
  readonly removalPolicy: RemovalPolicy;
  /** The cluster parameters, `rds.force_ssl` included. */
  readonly parameters: { [name: string]: string };
  readonly iamAuthentication: boolean;
  /** The master rotation's interval when `rotation: true`; undefined: not rotated (for now). */
  readonly rotation?: Duration;
  /** Whether the user chose about rotation (true or false): only without a choice does a first user turn it on. */
  readonly rotationChosen: boolean;
  /** The RDS Proxy's settings with `proxy: true`; undefined: no proxy. */
  readonly proxy?: ProxySettings;
  /** The link's port: the proxy's (5432) with a proxy, else the cluster's. */
  readonly linkPort: number;
  /** Whether the link has a reader host (the cluster reader endpoint): not behind a proxy whose port differs. */
  readonly linkHasReaderHost: boolean;
  readonly allowFromVpcCidr: boolean;
  readonly secretsManagerEndpoint: boolean;
  /** The alarm thresholds with `alarms`; undefined: no alarms. */
  readonly alarms?: ValidatedAlarms;
  /** The props passed to the cluster as given. */
  readonly given: Pick<AuroraPostgresProps, 'storageEncryptionKey' | 'extraSecurityGroups' | 'clusterIdentifier'
  | 'preferredBackupWindow' | 'preferredMaintenanceWindow' | 'cloudwatchLogsRetention' | 'autoMinorVersionUpgrade'
  | 'restoreFromSnapshot' | 'snapshotUsername' | 'secretReplicaRegions'>;
}

/**
 * Runs every rule of `AuroraPostgresProps` (each value on its own, then the combinations: variant, instance class
 * and global, Serverless v2, proxy, rotation, alarms, output keys) before the construct creates any resource, and
 * returns the options it builds from. As aws-cdk-lib's aws-rds `validate-database-cluster-props.ts`.
 */
export function validateAuroraPostgresProps(scope: IConstruct, id: string, props: AuroraPostgresProps): ValidatedClusterOptions {
  validatePropTypes(scope, props, auroraPostgresTypes());
  const moduleName = validateClusterModuleName(scope, id, props.moduleName);
  const variant = selectVariant(scope, props, moduleName);
  const engineVersion = props.engineVersion ?? DEFAULT_ENGINE_VERSION;
  const instances = validateInstances(scope, props, variant, engineVersion);
  const monitoring = validateMonitoring(scope, engineVersion, props);
  const names = validateNames(scope, props);
  const network = validateNetwork(scope, props);
  const rotation = validateRotation(scope, props, variant);
  const proxy = validateProxyProps(scope, {
    proxy: props.proxy,
    proxyOptions: props.proxyOptions,
    variantRefusal: variant.capabilities.proxyRefusal,
    autoPause: instances.serverless.serverlessV2MinCapacity === 0,
  });
  const linkHasReaderHost = proxy === undefined || (instances.count > 1 && network.port === PROXY_PORT);
  validateOutputKeysFree(scope, moduleName, linkOutputKeys(moduleName, [
    ...linkHasReaderHost ? [`${moduleName}${READER_HOST_SUFFIX}`] : [],
    `${moduleName}${ENGINE_VERSION_SUFFIX}`,
    ...variant.isGlobal ? [`${moduleName}${GLOBAL_DATABASE_ID_SUFFIX}`] : [],
  ]));
  return {
    moduleName,
    variant,
    engineVersion,
    instances,
    monitoring,
    ...names,
    ...network,
    ...rotation,
    proxy,
    linkPort: proxy ? PROXY_PORT : network.port,
    linkHasReaderHost,
    deletionProtection: props.deletionProtection ?? true,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.SNAPSHOT,
    parameters: validateClusterParameters(scope, props.requireTls ?? true, props.parameters),
    iamAuthentication: props.iamAuthentication ?? true,
    allowFromVpcCidr: props.allowFromVpcCidr ?? true,
    secretsManagerEndpoint: props.secretsManagerEndpoint ?? true,
    alarms: props.alarms === undefined ? undefined : validateAlarmThresholds(scope, props.alarms),
    given: props,
  };
}

/** The instance class (against the variant: no burstable class in a global database), Serverless v2 and the count. */
function validateInstances(scope: IConstruct, props: AuroraPostgresProps, variant: ClusterVariant,
  engineVersion: rds.AuroraPostgresEngineVersion): ValidatedInstances {
  const { instanceClass, instanceType } = validateInstanceClass(scope, props.instanceClass ?? variant.defaultInstanceClass);
  const isServerless = instanceClass === SERVERLESS;
  const serverless = validateServerlessScaling(scope, isServerless, engineVersion, variant.isGlobal, props);
  if (variant.isGlobal && isBurstable(instanceClass)) {
    throwPropError(scope, {
      code: 'INSTANCE_CLASS_BURSTABLE_ON_GLOBAL',
      prop: 'instanceClass',
      value: instanceClass,
      allowed: `a memory-optimized class such as 'db.r6g.large' or 'db.r7g.xlarge': Aurora Global Database does not support burstable (db.t*) classes (this cluster is a ${variant.name})`,
      fix: "use 'db.r6g.large' (the default of the global variants) or a larger r-class",
    });
  }
  const count = validateInstanceCount(scope, props.instances, props.multiAz);
  const memoryGiB = isServerless ? (serverless.serverlessV2MaxCapacity ?? 2) * 2 : instanceMemoryGiB(instanceClass);
  return {
    instanceClass,
    instanceType,
    count,
    serverless,
    memoryGiB,
    maxConnections: maxConnectionsOf(instanceClass, memoryGiB, props.parameters?.max_connections),
    burstable: isBurstable(instanceClass) === true,
  };
}

/** The database and master user names (a restore's `snapshotUsername` too). */
function validateNames(scope: IConstruct, props: AuroraPostgresProps) {
  const databaseName = props.databaseName ?? 'app';
  validateDatabaseName(scope, databaseName);
  const masterUsername = props.masterUsername ?? 'postgres';
  validateUsername(scope, 'masterUsername', masterUsername);
  if (props.snapshotUsername !== undefined) validateUsername(scope, 'snapshotUsername', props.snapshotUsername);
  return { databaseName, databaseNameGiven: props.databaseName !== undefined, masterUsername };
}

/** The port, the backups and the subnets (private, in two Availability Zones at least). */
function validateNetwork(scope: IConstruct, props: AuroraPostgresProps) {
  const port = props.port ?? DEFAULT_POSTGRES_PORT;
  validatePort(scope, port);
  const backupRetention = validateBackupRetention(scope, props.backupRetention ?? Duration.days(7));
  const vpcSubnets = validateSubnets(scope, props.vpc, props.vpcSubnets);
  validateSubnetZones(scope, props.vpc, vpcSubnets, props.vpcSubnets !== undefined);
  return { port, backupRetention, vpc: props.vpc, vpcSubnets };
}

/** `rotation` and `rotationInterval`: the interval only with rotation, rotation only on a secret this stack manages. */
function validateRotation(scope: IConstruct, props: AuroraPostgresProps, variant: ClusterVariant) {
  if (props.rotationInterval && !props.rotation) {
    throwPropError(scope, {
      code: 'ROTATION_INTERVAL_WITHOUT_ROTATION',
      prop: 'rotationInterval',
      value: props.rotationInterval.toHumanString(),
      allowed: 'only together with rotation: true',
      fix: 'set rotation: true, or drop rotationInterval',
    });
  }
  if (props.rotation && !variant.capabilities.managedSecret) {
    throwPropError(scope, {
      code: 'ROTATION_WITHOUT_MANAGED_SECRET',
      prop: 'rotation',
      value: true,
      allowed: 'only on a database whose credentials secret this stack manages (not a restore without snapshotUsername, not a global secondary)',
      fix: 'set snapshotUsername on a restore; rotate a global database\'s secret in the primary\'s stack; or drop rotation',
    });
  }
  return {
    rotation: props.rotation ? props.rotationInterval ?? Duration.days(DEFAULT_ROTATION_DAYS) : undefined,
    rotationChosen: props.rotation !== undefined,
  };
}
