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
  if (host.clusterResourceId === undefined) {
    throwPropError(scope, {
      prop: 'authentication',
      value: 'IAM',
      allowed: 'IAM users only on a cluster whose resource id (DbClusterResourceId) this app knows, which rds-db:connect names: an imported cluster (fromClusterAttributes) does not give it',
      fix: 'add the IAM user to the AuroraPostgres in the cluster\'s own stack, or use DatabaseAuthentication.PASSWORD',
    });
  }
  if (host.iamAuthentication === false) {
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
 * A user must log in the way the cluster's RDS Proxy does: a proxy with IAM authentication registers no secret
 * (a password user could not log in through it), and a password proxy does not accept tokens.
 */
export function checkProxyAuthentication(scope: IConstruct, authentication: 'PASSWORD' | 'IAM', host: UserHost): void {
  if (host.proxyAuthentication === undefined || host.proxyAuthentication === authentication) return;
  throwPropError(scope, authentication === 'IAM' ? {
    prop: 'authentication',
    value: 'IAM',
    allowed: 'IAM users behind an RDS Proxy only when the proxy authenticates with IAM: this proxy logs in with registered secrets and refuses tokens',
    fix: 'set proxyOptions: { authentication: DatabaseAuthentication.IAM } on the AuroraPostgres (then every user is an IAM user), or use DatabaseAuthentication.PASSWORD with rotation: false',
  } : {
    prop: 'authentication',
    value: 'PASSWORD',
    allowed: 'only IAM users behind an RDS Proxy with IAM authentication (proxyOptions.authentication: IAM): it registers no secret, so a password cannot log in through it',
    fix: 'add the user with authentication: DatabaseAuthentication.IAM, or drop proxyOptions.authentication',
  });
}

/**
 * Grants `rds-db:connect` as `username` on the cluster (by its resource id) and, with an RDS Proxy, on the proxy
 * (by its `prx-` id): pods connect through the proxy when there is one, and the token names the host they use.
 */
export function grantIamConnect(scope: IConstruct, grantee: iam.IGrantable, host: UserHost, username: string): iam.Grant {
  const resourceArns = [dbUserArn(scope, { resourceId: host.clusterResourceId!, username, region: host.region })];
  if (host.proxyArn) resourceArns.push(dbUserArn(scope, { resourceId: proxyResourceId(host.proxyArn), username, region: host.region }));
  return iam.Grant.addToPrincipal({ grantee, actions: ['rds-db:connect'], resourceArns });
}
