import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';

/** How the master credentials secret is named and replicated (set by the global primary). */
export interface SecretOptions {
  /** A fixed secret name, so that other regions can find its replicas. */
  readonly secretName?: string;
  /** Regions the secret is replicated to. */
  readonly replicaRegions?: string[];
}

/**
 * A generated master credentials secret. Its JSON holds `username`, `password` and, when known, `dbname` from
 * the start (RDS adds `host`, `port`, `engine`, ... once it is attached), so that a replica in another region
 * carries every credential a Kubernetes service needs.
 */
export function generatedSecret(scope: Construct, username: string, dbname: string | undefined,
  options: SecretOptions = {}): rds.DatabaseSecret {
  return new rds.DatabaseSecret(scope, 'Secret', {
    username,
    dbname,
    secretName: options.secretName,
    replicaRegions: options.replicaRegions?.map(region => ({ region })),
  });
}
