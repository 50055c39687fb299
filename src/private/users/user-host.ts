import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NewCluster } from '../cluster-variant';
import { PropErrorDetails } from '../errors';

/** What `DatabaseUser` needs to know about the cluster it lives in (handed over by `AuroraPostgres`). */
export interface UserHost {
  /** Why users cannot be added to this cluster, if they cannot. */
  readonly refusal?: PropErrorDetails;
  readonly cluster: NewCluster;
  readonly masterSecret?: secretsmanager.ISecret;
  readonly masterUsername?: string;
  /** The cluster's database, when known. */
  readonly databaseName?: string;
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The writer endpoint host. */
  readonly host: string;
  readonly port: number;
  readonly moduleName: string;
  /** Global primary: the global database id (the users' secrets are named after it) and the replica regions. */
  readonly globalClusterIdentifier?: string;
  readonly secretReplicaRegions?: string[];
  /** Turns the master's rotation on when the user did not choose (see the README). */
  readonly onUserAdded: () => void;
}
