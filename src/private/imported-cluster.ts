import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DatabaseLink } from '../database-link';
import type { AuroraPostgresAttributes, IAuroraPostgres } from '../i-aurora-postgres';
import { DEFAULT_POSTGRES_PORT } from './defaults';
import { addLinkOutputs, linkOutputKeys, validateOutputKeysFree } from './link-outputs';
import { READER_HOST_SUFFIX } from './output-keys';
import { watchStackLimits } from './stack-limits';
import { ClusterUsers } from './users/cluster-users';
import { validateClusterModuleName, validatePort, validateSubnets } from './validate';

/** `AuroraPostgres.fromClusterAttributes`: a cluster this library did not create, for users and links. */
export class ImportedAuroraPostgres extends Construct implements IAuroraPostgres {
  public readonly cluster: rds.IDatabaseCluster;
  public readonly secret: secretsmanager.ISecret;
  public readonly connections: ec2.Connections;
  public readonly moduleName: string;
  public readonly link: DatabaseLink;
  public readonly vpc: ec2.IVpc;
  public readonly vpcSubnets: ec2.SubnetSelection;

  /**
   * The users' side of this cluster, found by `DatabaseUser` through this member.
   *
   * @internal
   */
  public readonly _users: ClusterUsers;

  constructor(scope: Construct, id: string, attrs: AuroraPostgresAttributes) {
    super(scope, id);
    this.moduleName = validateClusterModuleName(this, id, attrs.moduleName);
    const port = attrs.port ?? DEFAULT_POSTGRES_PORT;
    validatePort(this, port);
    this.vpcSubnets = validateSubnets(this, attrs.vpc, attrs.vpcSubnets);
    const readerOutput = attrs.readerEndpointAddress === undefined ? [] : [`${this.moduleName}${READER_HOST_SUFFIX}`];
    validateOutputKeysFree(this, this.moduleName, linkOutputKeys(this.moduleName, readerOutput));
    watchStackLimits(this, 'cluster');
    this.vpc = attrs.vpc;
    this.secret = attrs.secret;
    this.cluster = rds.DatabaseCluster.fromDatabaseClusterAttributes(this, 'Cluster', {
      clusterIdentifier: attrs.clusterIdentifier,
      clusterEndpointAddress: attrs.clusterEndpointAddress,
      readerEndpointAddress: attrs.readerEndpointAddress,
      port,
      securityGroups: attrs.securityGroups,
      engine: rds.DatabaseClusterEngine.AURORA_POSTGRESQL,
    });
    this.connections = this.cluster.connections;
    this.link = DatabaseLink.fromValues({
      host: attrs.clusterEndpointAddress,
      readerHost: attrs.readerEndpointAddress,
      rdsProxy: false,
      port,
      databaseName: attrs.databaseName,
      secretArn: attrs.secret.secretArn,
    });
    addLinkOutputs(this, this.moduleName, {
      host: [this.link.host, 'Host of the database endpoint that applications connect to'],
      port: [String(port), 'PostgreSQL port'],
      databaseName: [attrs.databaseName ?? DatabaseLink.FROM_SECRET, 'Database name (FROM_SECRET: the secret\'s dbname key)'],
      username: [DatabaseLink.FROM_SECRET, 'Master user name: FROM_SECRET (the secret\'s username key)'],
      password: [DatabaseLink.FROM_SECRET, 'Never a password: FROM_SECRET (the secret\'s password key)'],
      secretArn: [attrs.secret.secretArn, 'ARN of the Secrets Manager secret holding the master credentials'],
    }, attrs.readerEndpointAddress === undefined ? {} : {
      [`${this.moduleName}${READER_HOST_SUFFIX}`]: [attrs.readerEndpointAddress, 'Host of the cluster reader endpoint, for read-only traffic'],
    });
    this._users = this.userHost(attrs, port);
  }

  /** The users' side of this cluster: no proxy and no master rotation here (the master's rotation is the owner's business). */
  private userHost(attrs: AuroraPostgresAttributes, port: number): ClusterUsers {
    return new ClusterUsers(this, {
      // An imported cluster is a writer whose master secret the app was given: users are allowed.
      capabilities: { canWrite: true },
      cluster: this.cluster,
      clusterResources: [],
      clusterTag: attrs.clusterIdentifier,
      masterSecret: attrs.secret,
      masterUsername: attrs.masterUsername,
      databaseName: attrs.databaseName,
      vpc: attrs.vpc,
      vpcSubnets: this.vpcSubnets,
      host: attrs.clusterEndpointAddress,
      port,
      linkHost: attrs.clusterEndpointAddress,
      linkPort: port,
      linkReaderHost: attrs.readerEndpointAddress,
      region: Stack.of(this).region,
      moduleName: this.moduleName,
    });
  }
}
