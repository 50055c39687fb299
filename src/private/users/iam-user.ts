import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { throwPropError } from '../errors';
import { dbUserArn, proxyResourceId } from '../iam-connect';
import { UserHost } from './user-host';

/** The user props an IAM user's checks read (a narrow view of `DatabaseUserProps`). */
export interface IamUserInput {
  readonly username: string;
  readonly rotation?: boolean;
  readonly rotationInterval?: Duration;
}

/**
 * Refuses what an IAM user cannot have: rotation (there is no password), and a cluster with
 * `iamAuthentication: false` (RDS would refuse every token).
 */
export function checkIamUser(scope: IConstruct, props: IamUserInput, host: UserHost): void {
  if (!host.iamAuthentication) {
    throwPropError(scope, {
      prop: 'authentication',
      value: 'IAM',
      allowed: 'IAM users only on a cluster with IAM database authentication on; this cluster has iamAuthentication: false, so RDS refuses every token',
      fix: 'drop iamAuthentication: false on the AuroraPostgres (it is on by default), or use DatabaseAuthentication.PASSWORD',
    });
  }
  if (props.rotation === true || props.rotationInterval !== undefined) {
    throwPropError(scope, {
      prop: props.rotation === true ? 'rotation' : 'rotationInterval',
      value: props.rotation === true ? true : props.rotationInterval!.toHumanString(),
      allowed: 'no rotation for an IAM user: it has no password, and each token it signs lives 15 minutes',
      fix: 'drop rotation and rotationInterval, or use DatabaseAuthentication.PASSWORD',
    });
  }
}

/**
 * Grants `rds-db:connect` as `username` on the cluster (by its resource id) and, with an RDS Proxy, on the proxy
 * (by its `prx-` id): pods connect through the proxy when there is one, and the token names the host they use.
 */
export function grantIamConnect(scope: IConstruct, grantee: iam.IGrantable, host: UserHost, username: string): iam.Grant {
  const resourceArns = [dbUserArn(scope, { resourceId: host.clusterResourceId, username, region: host.region })];
  if (host.proxyArn) resourceArns.push(dbUserArn(scope, { resourceId: proxyResourceId(host.proxyArn), username, region: host.region }));
  return iam.Grant.addToPrincipal({ grantee, actions: ['rds-db:connect'], resourceArns });
}
