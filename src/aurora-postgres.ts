import { Annotations, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { AuroraPostgresProps } from './aurora-postgres-props';
import { DatabaseLink } from './database-link';
import { DatabaseUser, DatabaseUserOptions } from './database-user';
import { AuroraPostgresAttributes, IAuroraPostgres } from './i-aurora-postgres';
import { createAlarms } from './private/alarms';
import { NewCluster } from './private/cluster-variant';
import { DEFAULT_ROTATION_DAYS } from './private/defaults';
import { throwPropError } from './private/errors';
import { ImportedAuroraPostgres, validModuleName } from './private/imported-cluster';
import { instanceMemoryGiB, isBurstable, maxConnectionsOf, validInstanceClass } from './private/instance-class';
import { addLinkOutputs, OutputValue } from './private/link-outputs';
import { acknowledgeMonitoringRole, monitoringProps } from './private/monitoring';
import { LinkOutputField, READER_HOST_SUFFIX } from './private/output-keys';
import { createProxy, PROXY_PORT, ProxyResult, validateProxySettings, validateProxyVariant } from './private/proxy';
import { auroraPostgresTypes, checkPropTypes } from './private/runtime-checks';
import { ensureSecretsManagerEndpoint } from './private/secrets-endpoint';
import { SERVERLESS, serverlessScaling } from './private/serverless';
import { watchStackLimits } from './private/stack-limits';
import { clusterParameters } from './private/tls';
import { ClusterUsers } from './private/users/cluster-users';
import {
  instanceCount, privateSubnetsOf, validateBackupRetention, validateDatabaseName, validatePort, validateSubnetZones,
  validateUsername,
} from './private/validate';
import { selectVariant } from './private/variant-selection';

/** aws-cdk-lib feature flag: no unused generated secret on a cluster restored without snapshot credentials. */
const RDS_PREVENT_RENDERING_DEPRECATED_CREDENTIALS = '@aws-cdk/aws-rds:preventRenderingDeprecatedCredentials';


/** The VPC's CIDR block as a literal, when it is known at synth time. */
function literalCidrOf(vpc: ec2.IVpc): string | undefined {
  if (!Token.isUnresolved(vpc.vpcCidrBlock)) return vpc.vpcCidrBlock;
  const resource = vpc.node.defaultChild;
  if (resource instanceof ec2.CfnVPC && typeof resource.cidrBlock === 'string' && !Token.isUnresolved(resource.cidrBlock)) {
    return resource.cidrBlock;
  }
  return undefined;
}

/**
 * An Aurora PostgreSQL cluster with safe defaults: private subnets, encrypted storage (a KMS key with
 * rotation), 7 days of backups, deletion protection, a final snapshot on removal, Performance Insights,
 * the `postgresql` log in CloudWatch, a generated master password in Secrets Manager, and CloudFormation
 * outputs that `DatabaseLink.fromCdkOutputs` reads.
 *
 * One prop switches the variant: `restoreFromSnapshot` (restored from a cluster snapshot),
 * `createGlobalDatabase` (the primary of a new Aurora Global Database) or `existingGlobalDatabaseId` (a
 * secondary of one). `instanceClass: 'serverless'` gives Aurora Serverless v2 instances in any variant.
 *
 * @resource AWS::RDS::DBCluster
 */
export class AuroraPostgres extends Construct implements IAuroraPostgres {
  /**
   * An Aurora PostgreSQL cluster this library did not create (the console, Terraform, a cluster kept in place
   * when leaving Opta), for database users (`new DatabaseUser(scope, id, { database })`) and links. Writes the
   * cluster's link outputs (`<moduleName>DbHost`, ...) in `scope`'s stack, as `AuroraPostgres` does.
   *
   * @param scope the scope of the construct (its stack holds the outputs, the ingress rules and the users' functions)
   * @param id the construct id (and the default moduleName)
   * @param attrs where the cluster is, its security groups, VPC and master secret
   */
  public static fromClusterAttributes(scope: Construct, id: string, attrs: AuroraPostgresAttributes): IAuroraPostgres {
    return new ImportedAuroraPostgres(scope, id, attrs);
  }

  /** The RDS cluster. */
  public readonly cluster: rds.IDatabaseCluster;

  /** The master credentials secret (`username`, `password`, `dbname`, `host`, `port`, ...), if known. */
  public readonly secret?: secretsmanager.ISecret;

  /** Network access to the cluster: `db.connections.allowDefaultPortFrom(peer)`. */
  public readonly connections: ec2.Connections;

  /** The security group this construct creates for the cluster. */
  public readonly securityGroup: ec2.ISecurityGroup;

  /** The KMS key that encrypts the cluster's storage and Performance Insights data. */
  public readonly encryptionKey: kms.IKey;

  /** The prefix of this database's CloudFormation output keys. */
  public readonly moduleName: string;

  /** The RDS Proxy in front of the cluster, with `proxy: true`. */
  public readonly proxy?: rds.IDatabaseProxy;

  /** The CloudWatch alarms created with `alarms` (empty without it). */
  public readonly alarms: cloudwatch.IAlarm[];

  /** The identifier of the Aurora Global Database this cluster belongs to (primary or secondary), if any. */
  public readonly globalClusterIdentifier?: string;

  /**
   * Where the database is and how to get its credentials, as CDK tokens: hand it to a `PostgresLinkChart`
   * deployed through `eks.Cluster.addCdk8sChart` in the same app.
   */
  public readonly link: DatabaseLink;

  /** The cluster's VPC. */
  public readonly vpc: ec2.IVpc;

  /** The cluster's subnets (the user provisioning and rotation functions run there too). */
  public readonly vpcSubnets: ec2.SubnetSelection;

  /**
   * The users' side of this cluster (names taken, shared functions, proxy and master rotation), found by
   * `DatabaseUser` through this member.
   *
   * @internal
   */
  public readonly _users: ClusterUsers;

  private readonly newCluster: NewCluster;
  private readonly proxySecurityGroup?: ec2.ISecurityGroup;
  private readonly generatedSecret?: secretsmanager.ISecret;
  private readonly secretsManagerRoute: () => void;
  private masterRotating = false;

  constructor(scope: Construct, id: string, props: AuroraPostgresProps) {
    super(scope, id);
    checkPropTypes(this, props, auroraPostgresTypes());
    // A restore without snapshotUsername must not leave behind a generated secret that is never applied.
    this.node.setContext(RDS_PREVENT_RENDERING_DEPRECATED_CREDENTIALS, true);

    this.moduleName = validModuleName(this, id, props.moduleName);
    watchStackLimits(this, 'cluster');
    const variant = selectVariant(this, props, this.moduleName);

    const { instanceClass, instanceType } = validInstanceClass(this, props.instanceClass ?? variant.defaultInstanceClass);
    const engineVersion = props.engineVersion ?? rds.AuroraPostgresEngineVersion.VER_17_9;
    const serverless = serverlessScaling(this, instanceClass === SERVERLESS, engineVersion, variant.isGlobal, props);
    if (variant.isGlobal && isBurstable(instanceClass)) {
      throwPropError(this, {
        prop: 'instanceClass',
        value: instanceClass,
        allowed: `a memory-optimized class such as 'db.r6g.large' or 'db.r7g.xlarge': Aurora Global Database does not support burstable (db.t*) classes (this cluster is a ${variant.name})`,
        fix: "use 'db.r6g.large' (the default of the global variants) or a larger r-class",
      });
    }
    const count = instanceCount(this, props.instances, props.multiAz);
    const monitoring = monitoringProps(this, engineVersion, props);
    const databaseName = props.databaseName ?? 'app';
    validateDatabaseName(this, databaseName);
    const masterUsername = props.masterUsername ?? 'postgres';
    validateUsername(this, 'masterUsername', masterUsername);
    if (props.snapshotUsername !== undefined) validateUsername(this, 'snapshotUsername', props.snapshotUsername);
    const port = props.port ?? 5432;
    validatePort(this, port);
    const backupRetention = validateBackupRetention(this, props.backupRetention ?? Duration.days(7));
    const vpcSubnets = privateSubnetsOf(this, props.vpc, props.vpcSubnets);
    this.vpc = props.vpc;
    this.vpcSubnets = vpcSubnets;
    validateSubnetZones(this, props.vpc, vpcSubnets, props.vpcSubnets !== undefined);
    const deletionProtection = props.deletionProtection ?? true;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    this.warnAboutSoftProblems(deletionProtection, removalPolicy);

    this.encryptionKey = props.storageEncryptionKey ?? new kms.Key(this, 'Key', {
      description: `Encrypts Aurora PostgreSQL storage, snapshots and Performance Insights of ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Aurora PostgreSQL ${this.node.path}`,
      allowAllOutbound: false,
    });

    const result = variant.create(this, {
      masterUsername,
      databaseName,
      databaseNameGiven: props.databaseName !== undefined,
      baseProps: {
        engine: rds.DatabaseClusterEngine.auroraPostgres({ version: engineVersion }),
        ...serverless,
        vpc: props.vpc,
        vpcSubnets,
        securityGroups: [this.securityGroup, ...(props.extraSecurityGroups ?? [])],
        ...this.instances(props.vpc, vpcSubnets, instanceType, count, props.autoMinorVersionUpgrade,
          monitoring.performanceInsightRetention),
        port,
        clusterIdentifier: props.clusterIdentifier,
        backup: { retention: backupRetention, preferredWindow: props.preferredBackupWindow },
        preferredMaintenanceWindow: props.preferredMaintenanceWindow,
        deletionProtection,
        removalPolicy,
        storageEncrypted: true,
        storageEncryptionKey: this.encryptionKey,
        copyTagsToSnapshot: true,
        cloudwatchLogsExports: ['postgresql'],
        cloudwatchLogsRetention: props.cloudwatchLogsRetention,
        iamAuthentication: props.iamAuthentication ?? true,
        enablePerformanceInsights: true,
        performanceInsightEncryptionKey: this.encryptionKey,
        parameters: clusterParameters(this, props.requireTls ?? true, props.parameters),
        ...monitoring,
      },
    });
    this.newCluster = result.cluster;
    this.acknowledgePinnedZones(result.cluster);
    acknowledgeMonitoringRole(result.cluster);
    this.cluster = result.cluster;
    this.secret = result.secret;
    this.globalClusterIdentifier = result.globalClusterIdentifier;
    this.generatedSecret = result.generatedSecret;
    // Rotation and user provisioning call Secrets Manager from the cluster's subnets: make sure they can.
    this.secretsManagerRoute = () => ensureSecretsManagerEndpoint(this, props.vpc, vpcSubnets, props.secretsManagerEndpoint ?? true);

    if (props.rotation) {
      this.addRotation(props.rotationInterval ?? Duration.days(30));
    } else if (props.rotationInterval) {
      throwPropError(this, {
        prop: 'rotationInterval',
        value: props.rotationInterval.toHumanString(),
        allowed: 'only together with rotation: true',
        fix: 'set rotation: true, or drop rotationInterval',
      });
    } else if (result.generatedSecret) {
      Validations.of(result.generatedSecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'Rotation is off by default on purpose: pods read the password from env vars once at start, so a rotated password reaches them only after a rollout. Turn it on with the rotation prop.',
      });
    }

    let host = result.host;
    let linkPort = port;
    let readerHost: string | undefined = result.cluster.clusterReadEndpoint.hostname;
    let proxyResult: ProxyResult | undefined;
    if (props.proxyOptions !== undefined && !props.proxy) {
      throwPropError(this, {
        prop: 'proxyOptions',
        value: Object.keys(props.proxyOptions).join(', ') || '{}',
        allowed: 'only together with proxy: true',
        fix: 'set proxy: true, or drop proxyOptions',
      });
    }
    if (props.proxy) {
      validateProxyVariant(this, {
        variantName: variant.name,
        isGlobalSecondary: props.existingGlobalDatabaseId !== undefined,
        hasSecret: result.secret !== undefined,
        autoPause: serverless.serverlessV2MinCapacity === 0,
      });
      validateProxySettings(this, props.proxyOptions ?? {});
      const proxy = proxyResult = createProxy(this, {
        cluster: result.cluster,
        secrets: [result.secret!],
        vpc: props.vpc,
        vpcSubnets,
        hasReaders: count > 1,
        settings: props.proxyOptions,
      });
      this.proxy = proxy.proxy;
      this.proxySecurityGroup = proxy.securityGroup;
      // Applications connect to the proxy: `connections` admits them there.
      this.connections = new ec2.Connections({ securityGroups: [proxy.securityGroup], defaultPort: ec2.Port.tcp(PROXY_PORT) });
      host = proxy.proxy.endpoint;
      linkPort = PROXY_PORT;
      // Readers go to the cluster's reader endpoint, not the proxy's read-only endpoint: the certificate of a proxy
      // endpoint you create does not name it (AWS: verify-full works on a proxy's default endpoint only), while the
      // reader endpoint verifies against the RDS CA. The link has one port: only when the cluster's is the proxy's.
      readerHost = proxy.readerHost !== undefined && port === PROXY_PORT ? readerHost : undefined;
    } else {
      this.connections = result.cluster.connections;
    }
    if (props.allowFromVpcCidr ?? true) {
      this.allowFromVpcCidr(props.vpc, this.proxySecurityGroup ?? this.securityGroup, linkPort);
      // Behind a proxy, the link's reader host is the cluster's reader endpoint: admit the VPC there too.
      if (this.proxySecurityGroup && readerHost !== undefined) this.allowFromVpcCidr(props.vpc, this.securityGroup, port);
    }

    const memoryGiB = instanceClass === SERVERLESS ? (serverless.serverlessV2MaxCapacity ?? 2) * 2 : instanceMemoryGiB(instanceClass);
    this.alarms = props.alarms === undefined ? [] : createAlarms(this, {
      instanceIdentifiers: result.cluster.instanceIdentifiers,
      serverless: instanceClass === SERVERLESS,
      memoryGiB,
      maxConnections: maxConnectionsOf(instanceClass, memoryGiB, props.parameters?.max_connections),
      burstable: isBurstable(instanceClass) === true,
      clusterIdentifier: result.cluster.clusterIdentifier,
      proxyName: this.proxy?.dbProxyName,
    }, props.alarms);

    this.link = DatabaseLink.fromValues({
      host,
      readerHost,
      rdsProxy: this.proxy !== undefined,
      port: linkPort,
      username: result.username,
      databaseName: result.databaseName,
      password: result.password,
      secretArn: result.secretName ?? result.secret?.secretArn,
    });
    this.addLinkOutputs(linkPort, engineVersion);
    this._users = this.userHost(props, result.cluster, vpcSubnets, result.host, port, masterUsername, databaseName, proxyResult);
  }

  /**
   * Adds a PostgreSQL user of its own for one service (see `DatabaseUser`): created and granted at deploy time
   * inside AWS, with its own secret, rotated by default with alternating users.
   *
   * @param id the construct id of the user (a child of this construct)
   * @param options the user's name, access, database and rotation
   */
  public addDatabaseUser(id: string, options: DatabaseUserOptions): DatabaseUser {
    // The user joins through this._users.add, as a `new DatabaseUser(scope, id, { database: this })` in another
    // stack does: there this cluster does what it owns (its master rotation, its proxy), with the collaborators
    // userHost() gave it.
    return new DatabaseUser(this, id, { ...options, database: this });
  }

  /**
   * Grants an IAM principal read access to the credentials secret (e.g. the role External Secrets Operator
   * uses to fill the Kubernetes Secret).
   */
  public grantReadCredentials(grantee: iam.IGrantable): iam.Grant {
    if (!this.secret) {
      throw new Error(`AuroraPostgres at '${this.node.path}': grantReadCredentials needs a credentials secret, and this database has none. Fix: give the credentials (e.g. snapshotUsername) so that one is generated.`);
    }
    return this.secret.grantRead(grantee);
  }

  /**
   * Grants an IAM principal `rds-db:connect` as a database user (IAM database authentication).
   *
   * @param grantee the principal
   * @param dbUser the PostgreSQL role to log in as; it must exist and be granted `rds_iam`, after which it can
   * no longer log in with a password (never the master user)
   */
  public grantConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    return this.newCluster.grantConnect(grantee, dbUser);
  }

  /**
   * Opta's rule: the PostgreSQL port from the VPC's CIDR block. The literal block is used when it is known
   * at synth (a VPC defined in the app, or looked up), so the template does not depend on the VPC resource.
   */
  private allowFromVpcCidr(vpc: ec2.IVpc, securityGroup: ec2.ISecurityGroup, port: number): void {
    const cidr = literalCidrOf(vpc);
    securityGroup.addIngressRule(ec2.Peer.ipv4(cidr ?? vpc.vpcCidrBlock), ec2.Port.tcp(port),
      'PostgreSQL from inside the VPC');
    if (cidr === undefined) {
      Validations.of(securityGroup).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: 'The only CIDR ingress is the VPC\'s own CIDR block, a CloudFormation reference that cdk-nag cannot resolve (its rule throws); it is never 0.0.0.0/0 or ::/0.',
      });
    }
  }

  private warnAboutSoftProblems(deletionProtection: boolean, removalPolicy: RemovalPolicy): void {
    if (deletionProtection && removalPolicy === RemovalPolicy.DESTROY) {
      Annotations.of(this).addWarningV2('cdk-aurora-postgres:destroyProtected',
        'removalPolicy is DESTROY but deletionProtection is on: deleting the stack fails until a deployment turns deletionProtection off.');
    }
  }

  /** The writer and readers, spread over the subnets' Availability Zones when there is more than one. */
  private instances(vpc: ec2.IVpc, subnets: ec2.SubnetSelection, instanceType: ec2.InstanceType | undefined, count: number,
    autoMinorVersionUpgrade: boolean | undefined,
    performanceInsightRetention: rds.PerformanceInsightRetention | undefined): Pick<rds.DatabaseClusterProps, 'writer' | 'readers'> {
    const zones = count > 1 ? vpc.selectSubnets(subnets).availabilityZones : [];
    const options = (i: number): rds.ClusterInstanceOptions => ({
      publiclyAccessible: false,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: this.encryptionKey,
      performanceInsightRetention, // must equal the cluster's (15 months with Database Insights advanced mode)
      autoMinorVersionUpgrade,
      availabilityZone: zones.length > 1 ? zones[i % zones.length] : undefined,
    });
    // Readers are failover targets (promotion tier 1); Serverless v2 readers in that tier scale with the
    // writer, so a failover lands on an instance of the same size.
    const instance = (id: string, i: number) => instanceType
      ? rds.ClusterInstance.provisioned(id, { ...options(i), instanceType, promotionTier: i === 0 ? undefined : 1 })
      : rds.ClusterInstance.serverlessV2(id, { ...options(i), scaleWithWriter: i > 0 ? true : undefined });
    const readers = Array.from({ length: count - 1 }, (_, i) => instance(`Reader${i + 1}`, i + 1));
    return { writer: instance('Writer', 0), readers };
  }

  /**
   * With more than one instance, each is pinned to an Availability Zone of the cluster's own subnets, so that
   * a reader is really in another AZ. In a stack with a known region those AZs are literal names, which the
   * built-in CloudFormation validator flags as hard-coded (W3010); they come from the VPC, so they are right.
   */
  private acknowledgePinnedZones(cluster: NewCluster): void {
    for (const child of cluster.node.children) {
      const instance = child.node.defaultChild;
      if (instance instanceof rds.CfnDBInstance && typeof instance.availabilityZone === 'string'
        && !Token.isUnresolved(instance.availabilityZone)) {
        Validations.of(child).acknowledge({
          id: 'CloudFormation-Validate::W3010',
          reason: 'The AZ is one of the cluster subnets\' own AZs, pinned so that readers sit in another AZ than the writer.',
        });
      }
    }
  }

  /**
   * The users' side of this cluster (`_users`): what users need to know, and the cluster's collaborators (its proxy,
   * its master rotation), which `addDatabaseUser` and `new DatabaseUser(scope, id, { database: this })` both use.
   */
  private userHost(props: AuroraPostgresProps, cluster: NewCluster, vpcSubnets: ec2.SubnetSelection, host: string,
    port: number, masterUsername: string, databaseName: string, proxy: ProxyResult | undefined): ClusterUsers {
    const restored = props.restoreFromSnapshot !== undefined;
    const secondary = props.existingGlobalDatabaseId !== undefined;
    return new ClusterUsers(this, {
      // TODO(lead): the variant's declared capabilities (writer, users) once the cluster helper's branch is merged.
      capabilities: { writer: !secondary, users: !restored || props.snapshotUsername !== undefined },
      cluster,
      // The cluster and its instances (aws-cdk-lib's DatabaseCluster does not return its instances).
      clusterResources: [
        ...cluster.node.defaultChild ? [cluster.node.defaultChild] : [],
        ...cluster.node.children.filter(c => c.node.defaultChild instanceof rds.CfnDBInstance),
      ],
      clusterTag: cluster.clusterIdentifier,
      masterSecret: this.secret,
      masterUsername: restored ? props.snapshotUsername : masterUsername,
      databaseName: restored && props.databaseName === undefined ? undefined : databaseName,
      vpc: props.vpc,
      vpcSubnets,
      host,
      port,
      // Users' links go where the master's goes: through the proxy when there is one.
      linkHost: this.link.host,
      linkPort: proxy ? PROXY_PORT : port,
      linkReaderHost: this.link.readerHost,
      moduleName: this.moduleName,
      global: this.globalClusterIdentifier === undefined ? undefined : {
        id: this.globalClusterIdentifier,
        role: secondary ? 'secondary' : 'primary',
        secretReplicaRegions: props.secretReplicaRegions,
      },
      iamAuthentication: props.iamAuthentication ?? true,
      clusterResourceId: cluster.clusterResourceIdentifier,
      region: Stack.of(this).region,
      proxy: proxy && {
        arn: proxy.proxy.dbProxyArn,
        authentication: proxy.iamAuth ? 'IAM' : 'PASSWORD',
        registerSecret: secret => proxy.registerSecret(secret),
        allowIamUser: username => proxy.allowIamUser(username),
      },
      masterRotation: {
        // With users, nothing in Kubernetes needs the master password: rotate it unless the rotation prop says no.
        ensureOn: () => {
          this.secretsManagerRoute();
          if (props.rotation === undefined && !this.masterRotating) this.addRotation(Duration.days(DEFAULT_ROTATION_DAYS));
        },
        // TODO(lead): the schedule that addRotation configures, once it returns one: aws-cdk-lib's SecretRotation
        // (what addRotationSingleUser returns) does not expose its RotationSchedule.
        schedule: () => this.secret?.node.children.find(c => c instanceof secretsmanager.RotationSchedule),
      },
    });
  }

  private addRotation(interval: Duration): void {
    if (!this.generatedSecret) {
      throwPropError(this, {
        prop: 'rotation',
        value: true,
        allowed: 'only on a database whose credentials secret this stack manages (not a restore without snapshotUsername, not a global secondary)',
        fix: 'set snapshotUsername on a restore; rotate a global database\'s secret in the primary\'s stack; or drop rotation',
      });
    }
    this.secretsManagerRoute();
    this.newCluster.addRotationSingleUser({ automaticallyAfter: interval });
    this.masterRotating = true;
  }

  /** The outputs that `DatabaseLink.fromCdkOutputs` reads; keys are stable and documented. */
  private addLinkOutputs(port: number, engineVersion: rds.AuroraPostgresEngineVersion): void {
    const values: Record<LinkOutputField, OutputValue> = {
      host: [this.link.host, this.proxy
        ? 'Host of the RDS Proxy endpoint that applications connect to (port 5432, TLS required)'
        : 'Host of the database endpoint that applications connect to'],
      port: [String(port), 'PostgreSQL port'],
      databaseName: [this.link.databaseName ?? DatabaseLink.FROM_SECRET, 'Database name (FROM_SECRET: the secret\'s dbname key)'],
      username: [this.link.username ?? DatabaseLink.FROM_SECRET, 'Master user name (FROM_SECRET: the secret\'s username key)'],
      password: [this.link.password ?? DatabaseLink.FROM_SECRET, 'Never a password: FROM_SECRET (the secret\'s password key) or a placeholder'],
      secretArn: [this.link.secretArn ?? DatabaseLink.NO_SECRET, 'ARN of the Secrets Manager secret holding the credentials'],
    };
    const extra: Record<string, OutputValue> = {};
    if (this.link.readerHost !== undefined) {
      extra[`${this.moduleName}${READER_HOST_SUFFIX}`] = [this.link.readerHost, this.proxy
        ? 'Host of the cluster reader endpoint, for read-only traffic (not through the RDS Proxy: verify-full fails on its read-only endpoint)'
        : 'Host of the cluster reader endpoint, for read-only traffic'];
    }
    extra[`${this.moduleName}EngineVersion`] = [engineVersion.auroraPostgresFullVersion,
      'Aurora PostgreSQL engine version (a global secondary must run the primary\'s)'];
    if (this.globalClusterIdentifier !== undefined) {
      extra[`${this.moduleName}GlobalDatabaseId`] = [this.globalClusterIdentifier, 'Aurora Global Database identifier'];
    }
    addLinkOutputs(this, this.moduleName, values, () => throwPropError(this, {
      prop: 'moduleName',
      value: this.moduleName,
      allowed: 'a module name not used by another AuroraPostgres in the same stack (it prefixes the output keys)',
      fix: 'give each database in the stack its own moduleName',
    }), extra);
  }
}
