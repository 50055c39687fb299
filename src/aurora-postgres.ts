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
import { createAlarms, ValidatedAlarms } from './private/alarms';
import { NewCluster, VariantResult } from './private/cluster-variant';
import { DEFAULT_ROTATION_DAYS } from './private/defaults';
import { throwPropError } from './private/errors';
import { ImportedAuroraPostgres } from './private/imported-cluster';
import { addLinkOutputs, OutputValue } from './private/link-outputs';
import { acknowledgeMonitoringRole } from './private/monitoring';
import { ENGINE_VERSION_SUFFIX, GLOBAL_DATABASE_ID_SUFFIX, LinkOutputField, READER_HOST_SUFFIX } from './private/output-keys';
import { createProxy, PROXY_PORT, ProxyResult, ProxySettings } from './private/proxy';
import { ensureSecretsManagerEndpoint } from './private/secrets-endpoint';
import { SERVERLESS } from './private/serverless';
import { watchStackLimits } from './private/stack-limits';
import { ClusterUsers } from './private/users/cluster-users';
import { validateAuroraPostgresProps, ValidatedClusterOptions } from './private/validate-aurora-postgres-props';

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
  private readonly options: ValidatedClusterOptions;
  /** The writer and readers, as aws-cdk-lib's cluster bound them (writer first). */
  private readonly clusterInstances: rds.IAuroraClusterInstance[] = [];
  /** The master secret's rotation, once it is on (what `addRotationSingleUser` returned). */
  private masterRotation?: secretsmanager.SecretRotation;

  constructor(scope: Construct, id: string, props: AuroraPostgresProps) {
    super(scope, id);
    const options = this.options = validateAuroraPostgresProps(this, id, props);
    // A restore without snapshotUsername must not leave behind a generated secret that is never applied.
    this.node.setContext(RDS_PREVENT_RENDERING_DEPRECATED_CREDENTIALS, true);
    watchStackLimits(this, 'cluster');
    this.moduleName = options.moduleName;
    this.vpc = options.vpc;
    this.vpcSubnets = options.vpcSubnets;
    this.warnAboutSoftProblems(options);
    this.encryptionKey = options.given.storageEncryptionKey ?? this.createKey();
    this.securityGroup = this.createSecurityGroup(options);
    const result = this.createCluster(options);
    this.newCluster = this.cluster = result.cluster;
    this.secret = result.secret;
    this.globalClusterIdentifier = result.globalClusterIdentifier;
    this.generatedSecret = result.generatedSecret;
    this.configureRotation(options);
    const proxy = options.proxy ? this.createProxy(options, options.proxy) : undefined;
    this.proxy = proxy?.proxy;
    this.proxySecurityGroup = proxy?.securityGroup;
    // Applications connect to the proxy when there is one: `connections` admits them there.
    this.connections = proxy
      ? new ec2.Connections({ securityGroups: [proxy.securityGroup], defaultPort: ec2.Port.tcp(PROXY_PORT) })
      : result.cluster.connections;
    this.allowFromVpcCidr(options);
    this.alarms = options.alarms ? this.createAlarms(options, options.alarms) : [];
    this.link = this.createLink(options, result);
    this.addLinkOutputs(options);
    this._users = this.userHost(options, result, proxy);
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
      throwPropError(this, {
        code: 'CREDENTIALS_SECRET_MISSING',
        prop: 'secret',
        value: undefined,
        allowed: 'a credentials secret, which grantReadCredentials grants read access to: this database has none (a restore without snapshotUsername, or a global secondary without primarySecretName)',
        fix: 'give the credentials (e.g. snapshotUsername, or primarySecretName on a secondary) so that the database has a secret',
      });
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

  /** The KMS key of the storage and Performance Insights, when `storageEncryptionKey` is not given. */
  private createKey(): kms.IKey {
    return new kms.Key(this, 'Key', {
      description: `Encrypts Aurora PostgreSQL storage, snapshots and Performance Insights of ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  private createSecurityGroup(options: ValidatedClusterOptions): ec2.SecurityGroup {
    return new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: options.vpc,
      description: `Aurora PostgreSQL ${this.node.path}`,
      allowAllOutbound: false,
    });
  }

  /** The cluster, as the variant builds it from the parts every variant shares. */
  private createCluster(options: ValidatedClusterOptions): VariantResult {
    const given = options.given;
    const result = options.variant.create(this, {
      masterUsername: options.masterUsername,
      databaseName: options.databaseName,
      databaseNameGiven: options.databaseNameGiven,
      baseProps: {
        engine: rds.DatabaseClusterEngine.auroraPostgres({ version: options.engineVersion }),
        ...options.instances.serverless,
        vpc: options.vpc,
        vpcSubnets: options.vpcSubnets,
        securityGroups: [this.securityGroup, ...(given.extraSecurityGroups ?? [])],
        ...this.instances(options),
        port: options.port,
        clusterIdentifier: given.clusterIdentifier,
        backup: { retention: options.backupRetention, preferredWindow: given.preferredBackupWindow },
        preferredMaintenanceWindow: given.preferredMaintenanceWindow,
        deletionProtection: options.deletionProtection,
        removalPolicy: options.removalPolicy,
        storageEncrypted: true,
        storageEncryptionKey: this.encryptionKey,
        copyTagsToSnapshot: true,
        cloudwatchLogsExports: ['postgresql'],
        cloudwatchLogsRetention: given.cloudwatchLogsRetention,
        iamAuthentication: options.iamAuthentication,
        enablePerformanceInsights: true,
        performanceInsightEncryptionKey: this.encryptionKey,
        parameters: options.parameters,
        ...options.monitoring,
      },
    });
    this.acknowledgePinnedZones();
    acknowledgeMonitoringRole(result.cluster.monitoringRole);
    return result;
  }

  /** The master's rotation with `rotation: true`; without it, cdk-nag is told why the secret does not rotate. */
  private configureRotation(options: ValidatedClusterOptions): void {
    if (options.rotation) {
      this.addRotation(options.rotation);
    } else if (this.generatedSecret) {
      Validations.of(this.generatedSecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'Rotation is off by default on purpose: pods read the password from env vars once at start, so a rotated password reaches them only after a rollout. Turn it on with the rotation prop.',
      });
    }
  }

  private createProxy(options: ValidatedClusterOptions, settings: ProxySettings): ProxyResult {
    return createProxy(this, {
      cluster: this.newCluster,
      secrets: [this.secret!], // the variant's capabilities allow a proxy only with a secret
      vpc: options.vpc,
      vpcSubnets: options.vpcSubnets,
      hasReaders: options.instances.count > 1,
      settings,
    });
  }

  /**
   * Opta's rule: the PostgreSQL port from the VPC's CIDR block, at the proxy when there is one. The literal block
   * is used when it is known at synth (a VPC defined in the app, or looked up), so the template does not depend on
   * the VPC resource. Behind a proxy, the link's reader host is the cluster's reader endpoint: the VPC is admitted
   * there too.
   */
  private allowFromVpcCidr(options: ValidatedClusterOptions): void {
    if (!options.allowFromVpcCidr) return;
    this.allowPortFromVpcCidr(options.vpc, this.proxySecurityGroup ?? this.securityGroup, options.linkPort);
    if (this.proxySecurityGroup && options.linkHasReaderHost) this.allowPortFromVpcCidr(options.vpc, this.securityGroup, options.port);
  }

  private allowPortFromVpcCidr(vpc: ec2.IVpc, securityGroup: ec2.ISecurityGroup, port: number): void {
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

  private createAlarms(options: ValidatedClusterOptions, thresholds: ValidatedAlarms): cloudwatch.IAlarm[] {
    const instances = options.instances;
    return createAlarms(this, {
      instanceIdentifiers: this.newCluster.instanceIdentifiers,
      serverless: instances.instanceClass === SERVERLESS,
      memoryGiB: instances.memoryGiB,
      maxConnections: instances.maxConnections,
      burstable: instances.burstable,
      clusterIdentifier: this.newCluster.clusterIdentifier,
      proxyName: this.proxy?.dbProxyName,
    }, thresholds);
  }

  /**
   * The link: the variant's host and credentials, or the proxy's endpoint. Readers go to the cluster's reader
   * endpoint, not the proxy's read-only endpoint: the certificate of a proxy endpoint you create does not name it
   * (AWS: verify-full works on a proxy's default endpoint only), while the reader endpoint verifies against the
   * RDS CA. The link has one port: behind a proxy, it has a reader host only when the cluster's port is the proxy's.
   */
  private createLink(options: ValidatedClusterOptions, result: VariantResult): DatabaseLink {
    return DatabaseLink.fromValues({
      host: this.proxy ? this.proxy.endpoint : result.host,
      readerHost: options.linkHasReaderHost ? this.newCluster.clusterReadEndpoint.hostname : undefined,
      rdsProxy: this.proxy !== undefined,
      port: options.linkPort,
      username: result.username,
      databaseName: result.databaseName,
      password: result.password,
      secretArn: result.secretName ?? result.secret?.secretArn,
    });
  }

  private warnAboutSoftProblems(options: ValidatedClusterOptions): void {
    if (options.deletionProtection && options.removalPolicy === RemovalPolicy.DESTROY) {
      Annotations.of(this).addWarningV2('cdk-aurora-postgres:destroyProtected',
        'removalPolicy is DESTROY but deletionProtection is on: deleting the stack fails until a deployment turns deletionProtection off.');
    }
  }

  /**
   * The writer and readers, spread over the subnets' Availability Zones when there is more than one. Each is
   * recorded as aws-cdk-lib binds it, so that this construct holds its instances (no lookup by child id).
   */
  private instances(options: ValidatedClusterOptions): Pick<rds.DatabaseClusterProps, 'writer' | 'readers'> {
    const { count, instanceType } = options.instances;
    const zones = count > 1 ? options.vpc.selectSubnets(options.vpcSubnets).availabilityZones : [];
    const settings = (i: number): rds.ClusterInstanceOptions => ({
      publiclyAccessible: false,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: this.encryptionKey,
      // must equal the cluster's (15 months with Database Insights advanced mode)
      performanceInsightRetention: options.monitoring.performanceInsightRetention,
      autoMinorVersionUpgrade: options.given.autoMinorVersionUpgrade,
      availabilityZone: zones.length > 1 ? zones[i % zones.length] : undefined,
    });
    // Readers are failover targets (promotion tier 1); Serverless v2 readers in that tier scale with the
    // writer, so a failover lands on an instance of the same size.
    const instance = (id: string, i: number) => this.recorded(instanceType
      ? rds.ClusterInstance.provisioned(id, { ...settings(i), instanceType, promotionTier: i === 0 ? undefined : 1 })
      : rds.ClusterInstance.serverlessV2(id, { ...settings(i), scaleWithWriter: i > 0 ? true : undefined }));
    const readers = Array.from({ length: count - 1 }, (_, i) => instance(`Reader${i + 1}`, i + 1));
    return { writer: instance('Writer', 0), readers };
  }

  /** An instance that records what aws-cdk-lib's `bind` returns (the instance construct) in `clusterInstances`. */
  private recorded(instance: rds.IClusterInstance): rds.IClusterInstance {
    return {
      bind: (scope, cluster, bindOptions) => {
        const bound = instance.bind(scope, cluster, bindOptions);
        this.clusterInstances.push(bound);
        return bound;
      },
    };
  }

  /**
   * With more than one instance, each is pinned to an Availability Zone of the cluster's own subnets, so that
   * a reader is really in another AZ. In a stack with a known region those AZs are literal names, which the
   * built-in CloudFormation validator flags as hard-coded (W3010); they come from the VPC, so they are right.
   */
  private acknowledgePinnedZones(): void {
    for (const instance of this.clusterInstances) {
      const resource = instance.node.defaultChild;
      if (resource instanceof rds.CfnDBInstance && typeof resource.availabilityZone === 'string'
        && !Token.isUnresolved(resource.availabilityZone)) {
        Validations.of(instance).acknowledge({
          id: 'CloudFormation-Validate::W3010',
          reason: 'The AZ is one of the cluster subnets\' own AZs, pinned so that readers sit in another AZ than the writer.',
        });
      }
    }
  }

  /** Turns the master's rotation on (once). The variant's capabilities guarantee a secret this stack manages. */
  private addRotation(interval: Duration): void {
    if (this.masterRotation) return;
    this.secretsManagerRoute();
    this.masterRotation = this.newCluster.addRotationSingleUser({ automaticallyAfter: interval });
  }

  /** Rotation and user provisioning call Secrets Manager from the cluster's subnets: make sure they can. */
  private secretsManagerRoute(): void {
    ensureSecretsManagerEndpoint(this, this.vpc, this.vpcSubnets, this.options.secretsManagerEndpoint);
  }

  /** The outputs that `DatabaseLink.fromCdkOutputs` reads; keys are stable and documented. */
  private addLinkOutputs(options: ValidatedClusterOptions): void {
    const values: Record<LinkOutputField, OutputValue> = {
      host: [this.link.host, this.proxy
        ? 'Host of the RDS Proxy endpoint that applications connect to (port 5432, TLS required)'
        : 'Host of the database endpoint that applications connect to'],
      port: [String(options.linkPort), 'PostgreSQL port'],
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
    extra[`${this.moduleName}${ENGINE_VERSION_SUFFIX}`] = [options.engineVersion.auroraPostgresFullVersion,
      'Aurora PostgreSQL engine version (a global secondary must run the primary\'s)'];
    if (this.globalClusterIdentifier !== undefined) {
      extra[`${this.moduleName}${GLOBAL_DATABASE_ID_SUFFIX}`] = [this.globalClusterIdentifier, 'Aurora Global Database identifier'];
    }
    addLinkOutputs(this, this.moduleName, values, extra);
  }

  /**
   * The users' side of this cluster (`_users`): what users need to know, and the cluster's collaborators (its proxy,
   * its master rotation), which `addDatabaseUser` and `new DatabaseUser(scope, id, { database: this })` both use.
   */
  private userHost(options: ValidatedClusterOptions, result: VariantResult,
    proxy: ProxyResult | undefined): ClusterUsers {
    const restored = options.given.restoreFromSnapshot !== undefined;
    const capabilities = options.variant.capabilities;
    return new ClusterUsers(this, {
      capabilities,
      cluster: result.cluster,
      // The cluster and the instances aws-cdk-lib's bind() returned: the users' SQL waits for them.
      clusterResources: [
        ...result.cluster.node.defaultChild ? [result.cluster.node.defaultChild] : [],
        ...this.clusterInstances,
      ],
      clusterTag: result.cluster.clusterIdentifier,
      masterSecret: this.secret,
      masterUsername: restored ? options.given.snapshotUsername : options.masterUsername,
      databaseName: restored && !options.databaseNameGiven ? undefined : options.databaseName,
      vpc: options.vpc,
      vpcSubnets: options.vpcSubnets,
      host: result.host,
      port: options.port,
      // Users' links go where the master's goes: through the proxy when there is one.
      linkHost: this.link.host,
      linkPort: options.linkPort,
      linkReaderHost: this.link.readerHost,
      moduleName: this.moduleName,
      global: this.globalClusterIdentifier === undefined ? undefined : {
        id: this.globalClusterIdentifier,
        role: capabilities.canWrite ? 'primary' : 'secondary',
        secretReplicaRegions: options.given.secretReplicaRegions,
      },
      iamAuthentication: options.iamAuthentication,
      clusterResourceId: result.cluster.clusterResourceIdentifier,
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
          if (!options.rotationChosen) this.addRotation(Duration.days(DEFAULT_ROTATION_DAYS));
        },
        // aws-cdk-lib's SecretRotation (what addRotationSingleUser returns) does not expose the RotationSchedule it
        // adds to the secret: the one lookup by type that has no handle.
        schedule: () => this.masterRotation && this.secret?.node.children.find(c => c instanceof secretsmanager.RotationSchedule),
      },
    });
  }

}
