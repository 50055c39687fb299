import * as http from 'http';
import { AddressInfo } from 'net';

/**
 * A local stand-in for Secrets Manager's JSON protocol (POST /, X-Amz-Target: secretsmanager.<Operation>):
 * GetSecretValue and PutSecretValue (AWSCURRENT only) over a map of ARN -> secret JSON. The SDK reaches it through
 * AWS_ENDPOINT_URL_SECRETS_MANAGER.
 */
export class SecretsManagerStandIn {
  public static async start(secrets: Map<string, Record<string, unknown>>): Promise<SecretsManagerStandIn> {
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => { body += chunk; });
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '').replace('secretsmanager.', '');
        const input = JSON.parse(body || '{}');
        const reply = (status: number, payload: unknown) => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify(payload));
        };
        const raw = raws.get(input.SecretId);
        const secret = secrets.get(input.SecretId);
        if (target === 'GetSecretValue' && (secret || raw !== undefined)) {
          reply(200, { ARN: input.SecretId, Name: input.SecretId, VersionId: 'v1', VersionStages: ['AWSCURRENT'], SecretString: raw ?? JSON.stringify(secret) });
        } else if (target === 'PutSecretValue') {
          secrets.set(input.SecretId, JSON.parse(input.SecretString));
          reply(200, { ARN: input.SecretId, Name: input.SecretId, VersionId: 'v2', VersionStages: ['AWSCURRENT'] });
        } else {
          reply(400, { __type: 'ResourceNotFoundException', message: `Secrets Manager can't find the specified secret: ${input.SecretId}` });
        }
      });
    });
    const raws = new Map<string, string>();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return new SecretsManagerStandIn(server, raws);
  }

  private constructor(private readonly server: http.Server, private readonly raws: Map<string, string>) {}

  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A secret whose SecretString is not JSON. */
  public putRaw(arn: string, text: string): void {
    this.raws.set(arn, text);
  }

  public stop(): Promise<void> {
    return new Promise(resolve => this.server.close(() => resolve()));
  }
}
