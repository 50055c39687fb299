import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DatabaseLink } from '../database-link';
import type { AuroraPostgresAttributes, IAuroraPostgres } from '../i-aurora-postgres';
import { throwPropError } from './errors';
import { addLinkOutputs } from './link-outputs';
import { MODULE_NAME_PATTERN } from './names';
import { READER_HOST_SUFFIX } from './output-keys';
import { watchStackLimits } from './stack-limits';
import { ClusterUsers } from './users/cluster-users';
import { privateSubnetsOf, validatePort } from './validate';

/** A module name: given, or the construct id's letters and digits. */
export function validModuleName(scope: Construct, id: string, moduleName: string | undefined): string {
  const name = moduleName ?? id.replace(/[^A-Za-z0-9]/g, '');
  if (!Token.isUnresolved(name) && !MODULE_NAME_PATTERN.test(name)) {
    throwPropError(scope, {
      prop: 'moduleName',
      value: moduleName ?? `${name} (from the construct id '${id}')`,
      allowed: 'a letter, then letters and digits, 63 characters at most (it prefixes CloudFormation output keys and env var names)',
      fix: "pass moduleName explicitly, e.g. moduleName: 'ordersdb'",
    });
  }
  return name;
}

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
    this.moduleName = validModuleName(this, id, attrs.moduleName);
    watchStackLimits(this, 'cluster');
    const port = attrs.port ?? 5432;
    validatePort(this, port);
    this.vpc = attrs.vpc;
    this.vpcSubnets = privateSubnetsOf(this, attrs.vpc, attrs.vpcSubnets);
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
    }, () => throwPropError(this, {
      prop: 'moduleName',
      value: this.moduleName,
      allowed: 'a module name not used by another database or user in the same stack (it prefixes the output keys)',
      fix: 'give each database in the stack its own moduleName',
    }), attrs.readerEndpointAddress === undefined ? {} : {
      [`${this.moduleName}${READER_HOST_SUFFIX}`]: [attrs.readerEndpointAddress, 'Host of the cluster reader endpoint, for read-only traffic'],
    });
    this._users = this.userHost(attrs, port);
  }

  /** The users' side of this cluster: no proxy and no master rotation here (the master's rotation is the owner's business). */
  private userHost(attrs: AuroraPostgresAttributes, port: number): ClusterUsers {
    return new ClusterUsers(this, {
      // TODO(lead): the imported variant's declared capabilities once the cluster helper's branch is merged.
      capabilities: { writer: true, users: true },
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
