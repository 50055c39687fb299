import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import { PropErrorDetails } from '../errors';

/** What `DatabaseUser` needs to know about the cluster it lives in (registered by the cluster's construct). */
export interface UserHost {
  /** The construct of the cluster (users' shared functions are its children). */
  readonly scope: IConstruct;
  /** Why users cannot be added to this cluster, if they cannot. */
  readonly refusal?: PropErrorDetails;
  readonly cluster: rds.IDatabaseCluster;
  /** The value of the tag that marks the cluster's users' secrets (the provisioning function reads those). */
  readonly clusterTag: string;
  readonly masterSecret?: secretsmanager.ISecret;
  readonly masterUsername?: string;
  /** The cluster's database, when known. */
  readonly databaseName?: string;
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The writer endpoint host (the provisioning function connects there, never through a proxy). */
  readonly host: string;
  readonly port: number;
  /** Where the users' links point: the writer endpoint, or the RDS Proxy's endpoint (port 5432). */
  readonly linkHost: string;
  readonly linkPort: number;
  /** The links' reader host: the cluster reader endpoint or the proxy's read-only endpoint, if any. */
  readonly linkReaderHost?: string;
  /** With an RDS Proxy: registers a user's secret with it (the proxy logs in with it). */
  readonly registerWithProxy?: (secret: secretsmanager.ISecret) => void;
  readonly moduleName: string;
  /** Global primary: the global database id (the users' secrets are named after it) and the replica regions. */
  readonly globalClusterIdentifier?: string;
  readonly secretReplicaRegions?: string[];
  /** Whether the cluster has IAM database authentication on (`iamAuthentication`); unknown: undefined. */
  readonly iamAuthentication?: boolean;
  /** The cluster's resource id (`DbClusterResourceId`), which `rds-db:connect` names; unknown when imported. */
  readonly clusterResourceId?: string;
  /** The cluster's region (IAM tokens are signed for it). */
  readonly region: string;
  /** With an RDS Proxy: how it logs in ('PASSWORD': registered secrets; 'IAM': end to end, no secret). */
  readonly proxyAuthentication?: 'PASSWORD' | 'IAM';
  /** With an IAM proxy: lets it log in as an IAM user. */
  readonly allowProxyIamUser?: (username: string) => void;
  /** With an RDS Proxy: its ARN (its `prx-` id is in the users' `rds-db:connect` resources). */
  readonly proxyArn?: string;
  /** Turns the master's rotation on when the user did not choose (see the README). */
  readonly onUserAdded: () => void;
}

/** The tag (key) on every user secret naming its cluster: the cluster's provisioning function may read those. */
export const CLUSTER_TAG_KEY = 'cdk-aurora-postgres:cluster';

const hosts = new WeakMap<IConstruct, UserHost>();

/** Called by the cluster's construct: what its users need. */
export function registerUserHost(database: IConstruct, host: UserHost): void {
  hosts.set(database, host);
}

/** What a user of `database` needs, or undefined for an implementation of IAuroraPostgres of someone else's. */
export function userHostOf(database: IConstruct): UserHost | undefined {
  return hosts.get(database);
}
