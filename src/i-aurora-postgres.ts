import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import { DatabaseLink } from './database-link';

/**
 * An Aurora PostgreSQL cluster that database users and links can live in: an `AuroraPostgres`, or a cluster this
 * library did not create (`AuroraPostgres.fromClusterAttributes`: the console, Terraform, a cluster kept in place
 * when leaving Opta).
 */
export interface IAuroraPostgres extends IConstruct, ec2.IConnectable {
  /** The RDS cluster. */
  readonly cluster: rds.IDatabaseCluster;

  /** The master credentials secret, if known (users need it: they are created with it). */
  readonly secret?: secretsmanager.ISecret;

  /** The prefix of this database's CloudFormation output keys. */
  readonly moduleName: string;

  /** Where the database is and how to get its (master) credentials. */
  readonly link: DatabaseLink;

  /** The cluster's VPC. */
  readonly vpc: ec2.IVpc;

  /** The cluster's subnets (the user provisioning and rotation functions run there). */
  readonly vpcSubnets: ec2.SubnetSelection;

  /** The identifier of the Aurora Global Database this cluster belongs to, if any. */
  readonly globalClusterIdentifier?: string;
}

/**
 * An existing Aurora PostgreSQL cluster, for `AuroraPostgres.fromClusterAttributes`.
 */
export interface AuroraPostgresAttributes {
  /** The cluster identifier (`DBClusterIdentifier`). */
  readonly clusterIdentifier: string;

  /** The writer endpoint's host name. */
  readonly clusterEndpointAddress: string;

  /**
   * The reader endpoint's host name.
   *
   * @default - none: links have no reader host
   */
  readonly readerEndpointAddress?: string;

  /**
   * The PostgreSQL port.
   *
   * @default 5432
   */
  readonly port?: number;

  /**
   * The cluster's security groups: the user provisioning and rotation functions are admitted through them
   * (ingress rules in the stack of this construct).
   */
  readonly securityGroups: ec2.ISecurityGroup[];

  /** The cluster's VPC. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets the user provisioning and rotation functions run in (they must reach the cluster and the
   * Secrets Manager API).
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The master credentials secret: JSON with `username`, `password` and, for the links, `dbname` (as RDS and
   * Opta write it). Users are created and rotated with it.
   */
  readonly secret: secretsmanager.ISecret;

  /**
   * The master user's name, if known: users may not take it.
   *
   * @default - not checked
   */
  readonly masterUsername?: string;

  /**
   * The cluster's database, if known: users work in it unless they name their own.
   *
   * @default - none: every user names its `databaseName`; links read `dbname` from the secret
   */
  readonly databaseName?: string;

  /**
   * The prefix of the cluster's CloudFormation output keys (written as by `AuroraPostgres`).
   *
   * @default - the construct id, letters and digits only
   */
  readonly moduleName?: string;
}
