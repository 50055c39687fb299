import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { goDuration } from './go-duration';
import { PLACEHOLDERS, ResolvedLink } from './link-variables';
import { regionOfArn } from './rds-ca';
import { DatabaseLink } from '../../database-link';
import { throwPropError } from '../../private/errors';
import { isSecretName } from '../../private/names';
import { LinkSecretMode } from '../link-secret-mode';

// The rules of PostgresLinkChart's links against its mode, tokens and refresh interval.

/** The chart's refresh interval, validated: the prop that gave it, its seconds and its Go duration. */
export interface RefreshInterval {
  /** `secretRefreshInterval`, or the deprecated `refreshInterval` when that was given. */
  readonly prop: string;
  readonly seconds: number;
  /** As ESO reads it, e.g. `1h`. */
  readonly text: string;
}

/**
 * With multi-user rotation the previous credentials stay valid for one whole rotation interval: the Secret must be
 * refreshed, and the pods rolled, well inside it. The chart refuses a refresh of 0 (read once) and a refresh longer
 * than half the rotation interval of any rotated link whose password it reads.
 */
export function validateRotation(scope: IConstruct, links: ResolvedLink[], refresh: RefreshInterval): void {
  const refreshSeconds = refresh.seconds;
  for (const link of links) {
    const rotation = link.database.rotationInterval;
    if (rotation === undefined || rotation.isUnresolved() || link.database.secretKeyOf('password') === undefined) continue;
    const rotationSeconds = rotation.toSeconds();
    const rule = `the Secret must be refreshed and the pods rolled well inside one rotation interval (links[${link.index}] rotates every ${rotation.toHumanString()}); with multi-user rotation the previous credentials stay valid one whole interval, so the refresh interval may be at most half of it (${goDuration(Math.floor(rotationSeconds / 2) * 1000)})`;
    if (refreshSeconds === 0) {
      throwPropError(scope, {
        code: 'CHART_REFRESH_ONCE_WITH_ROTATION',
        prop: refresh.prop,
        value: `${refresh.text} (read once)`,
        allowed: `a refresh interval above 0 with a rotated link: read once, the Secret keeps a password that rotation makes invalid; ${rule}`,
        fix: `give ${refresh.prop}, e.g. Duration.hours(1) (the default), and call chart.restartOnSecretChange(workload)`,
      });
    }
    if (refreshSeconds * 2 > rotationSeconds) {
      throwPropError(scope, {
        code: 'CHART_REFRESH_ABOVE_HALF_ROTATION',
        prop: refresh.prop,
        value: refresh.text,
        allowed: rule,
        fix: `lower ${refresh.prop}, e.g. Duration.hours(1) (the default), and call chart.restartOnSecretChange(workload)`,
      });
    }
  }
}

export function describeTokens(links: ResolvedLink[]): string {
  return links.map(l => `links[${l.index}].database: ${l.tokenFields.join(', ')}`).join('; ');
}

/** Links with CDK tokens need deployThroughEks (or a cdk8s App with resolvers); PLAIN never takes a token password. */
export function validateTokens(scope: IConstruct, links: ResolvedLink[], mode: LinkSecretMode, deployThroughEks: boolean,
  resolvesTokens: boolean): void {
  if (mode === LinkSecretMode.PLAIN) {
    const tokenPassword = links.find(l => l.tokenFields.includes('password'));
    if (tokenPassword) {
      throwPropError(scope, {
        code: 'CHART_PLAIN_TOKEN_PASSWORD',
        prop: `links[${tokenPassword.index}].database.password`,
        value: '<a CDK token>',
        allowed: 'in PLAIN mode, a literal password (DatabaseLink.fromValues); CloudFormation does not resolve {{resolve:secretsmanager:...}} inside Kubernetes manifests (aws/aws-cdk#22533), so the Secret would hold the reference, not the password',
        fix: 'use secretMode: LinkSecretMode.EXTERNAL_SECRET (the default) with a link that reads the password from its secret, e.g. AuroraPostgres.link',
      });
    }
  }
  const tokenLink = links.find(l => l.tokenFields.length > 0);
  if (tokenLink && !deployThroughEks && !resolvesTokens) {
    throwPropError(scope, {
      code: 'CHART_TOKENS_UNRESOLVABLE',
      prop: `links[${tokenLink.index}].database`,
      value: `a link with CDK tokens (${tokenLink.tokenFields.join(', ')})`,
      allowed: 'CDK tokens only in a chart deployed through eks.Cluster.addCdk8sChart in the same CDK app (deployThroughEks: true), or in a cdk8s App with a resolver for them (resolvers: [new AwsCdkResolver()] from @cdk8s/awscdk-resolver); a cdk8s app synthesized on its own would write the unresolved tokens',
      fix: 'set deployThroughEks: true and pass the chart to eksCluster.addCdk8sChart(...), or give the cdk8s App resolvers: [new AwsCdkResolver()], or for a separate cdk8s pipeline read the link with DatabaseLink.fromCdkOutputs(outputs, stackName, moduleName) after `cdk deploy --outputs-file`',
    });
  }
}

/** PLAIN writes every value inline, so every credential must be given as a value. */
export function validatePlain(scope: IConstruct, links: ResolvedLink[]): void {
  for (const link of links) {
    const fromSecret = readFields(link);
    if (fromSecret.length > 0) {
      throwPropError(scope, {
        code: 'CHART_PLAIN_READS_SECRET',
        prop: `links[${link.index}].database`,
        value: `a link that reads ${fromSecret.join(', ')} from the secret ${link.database.secretArn}`,
        allowed: 'in PLAIN mode, only links that hold every credential as a literal, the password included (DatabaseLink.fromValues; for local development and tests)',
        fix: 'use secretMode: LinkSecretMode.EXTERNAL_SECRET (the default) so that External Secrets Operator reads the secret, or give the values with DatabaseLink.fromValues({ host, username, password, databaseName })',
      });
    }
  }
}

/** The credentials a link reads from its secret. */
function readFields(link: ResolvedLink): string[] {
  return ['username', 'password', 'databaseName'].filter(f => link.database.secretKeyOf(f) !== undefined);
}

/** A Secrets Manager secret ARN (its region: `regionOfArn`). */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const NOT_A_SECRET = [DatabaseLink.NO_SECRET, DatabaseLink.FROM_SECRET, ...PLACEHOLDERS];

/**
 * EXTERNAL_SECRET never writes a password, needs a real secret for what it reads, and reads through one store,
 * which reads one AWS region.
 */
export function validateExternalSecret(scope: IConstruct, links: ResolvedLink[]): void {
  const regions = new Map<string, number>();
  for (const link of links) {
    const password = link.database.password;
    if (password !== undefined && !PLACEHOLDERS.includes(password)) {
      throwPropError(scope, {
        code: 'CHART_LITERAL_PASSWORD',
        prop: `links[${link.index}].database.password`,
        value: '<a literal password, not shown>',
        allowed: `in EXTERNAL_SECRET mode, a password read from the link's secret, or a placeholder (${PLACEHOLDERS.join(', ')}); no password is written into a manifest`,
        fix: 'build the link without a password and with its secretArn (AuroraPostgres.link, DatabaseLink.fromCdkOutputs), or use secretMode: LinkSecretMode.PLAIN for local development',
      });
    }
    if (!link.database.readsSecret) continue;
    const arn = link.database.secretArn;
    if (arn !== undefined && Token.isUnresolved(arn)) continue; // a CloudFormation reference (deployThroughEks)
    if (arn === undefined || NOT_A_SECRET.includes(arn.trim()) || !(SECRET_ARN.test(arn) || isSecretName(arn))) {
      const reads = readFields(link);
      throwPropError(scope, {
        code: 'CHART_SECRET_ARN_INVALID',
        prop: `links[${link.index}].database.secretArn`,
        value: arn,
        allowed: `the ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or name of the Secrets Manager secret, because ${reads.join(', ')} must be read from it`,
        fix: 'give the secret ARN (the <module>DbSecretArn output), or give the credentials as values; a database without a secret (NONE) has placeholders instead',
      });
    }
    const region = SECRET_ARN.test(arn) ? regionOfArn(arn) : undefined;
    const first = [...regions.entries()].find(([r]) => r !== region);
    if (region !== undefined && first !== undefined) {
      throwPropError(scope, {
        code: 'CHART_SECRET_REGIONS_MIXED',
        prop: `links[${link.index}].database.secretArn`,
        value: arn,
        allowed: `secrets of one AWS region per chart: its ExternalSecret reads through one store, and an AWS Secrets Manager store reads one region; links[${first[1]}] reads a secret in ${first[0]}, this one is in ${region}`,
        fix: `give the links of ${region} a chart of their own, with secretStoreName naming a store for ${region}`,
      });
    }
    if (region !== undefined && !regions.has(region)) regions.set(region, link.index);
  }
}
