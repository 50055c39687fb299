import { ArnFormat, Fn, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { throwInputError } from './errors';

/**
 * The resources of `rds-db:connect`, the IAM action that lets a principal sign login tokens for a database user:
 * `arn:<partition>:rds-db:<region>:<account>:dbuser:<resource id>/<username>`, where the resource id is a
 * cluster's `DbClusterResourceId` (`cluster-ABCDEFGHIJKL...`, not its identifier) or an RDS Proxy's `prx-` id.
 */
export interface DbUserArnOptions {
  /** `cluster-...` or `prx-...` (may be a token). */
  readonly resourceId: string;
  /** The PostgreSQL role. */
  readonly username: string;
  /** Where the cluster or proxy is. @default - the scope's stack's region */
  readonly region?: string;
}

/** The `rds-db:connect` resource of one database user on one cluster or proxy. */
export function dbUserArn(scope: IConstruct, options: DbUserArnOptions): string {
  return Stack.of(scope).formatArn({
    service: 'rds-db',
    region: options.region,
    resource: 'dbuser',
    resourceName: `${options.resourceId}/${options.username}`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * The `prx-` id of an RDS Proxy from its ARN (`arn:<partition>:rds:<region>:<account>:db-proxy:prx-<id>`), which
 * `rds-db:connect` names instead of the proxy's name.
 */
export function proxyResourceId(proxyArn: string): string {
  if (Token.isUnresolved(proxyArn)) return Fn.select(6, Fn.split(':', proxyArn));
  const parts = proxyArn.split(':');
  if (parts.length !== 7 || parts[2] !== 'rds' || parts[5] !== 'db-proxy' || !parts[6].startsWith('prx-')) {
    throwInputError('proxyResourceId', {
      code: 'IAM_CONNECT_PROXY_ARN_INVALID',
      prop: 'proxyArn',
      value: proxyArn,
      allowed: 'an RDS Proxy ARN: arn:<partition>:rds:<region>:<account>:db-proxy:prx-<id>',
      fix: 'pass the proxy\'s dbProxyArn',
    });
  }
  return parts[6];
}
