import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { DatabaseAuthentication } from '../../database-authentication';
import { throwPropError } from '../errors';
import { dbUserArn, proxyResourceId } from '../iam-connect';
import { ClusterUsers } from './cluster-users';

/** The user props an IAM user's rules read (a narrow view of `DatabaseUserProps`). */
export interface IamUserInput {
  readonly rotation?: boolean;
  readonly rotationInterval?: Duration;
}

/**
 * Refuses what an IAM user cannot have: a cluster whose resource id is unknown (an imported one), a cluster with
 * `iamAuthentication: false` (RDS would refuse every token), and rotation (there is no password).
 */
export function validateIamUser(scope: IConstruct, props: IamUserInput, users: ClusterUsers): void {
  if (users.props.clusterResourceId === undefined) {
    throwPropError(scope, {
      code: 'USER_IAM_CLUSTER_RESOURCE_ID_UNKNOWN',
      prop: 'authentication',
      value: 'IAM',
      allowed: 'IAM users only on a cluster whose resource id (DbClusterResourceId) this app knows, which rds-db:connect names: an imported cluster (fromClusterAttributes) does not give it',
      fix: 'add the IAM user to the AuroraPostgres in the cluster\'s own stack, or use DatabaseAuthentication.PASSWORD',
    });
  }
  if (users.props.iamAuthentication === false) {
    throwPropError(scope, {
      code: 'USER_IAM_AUTHENTICATION_OFF',
      prop: 'authentication',
      value: 'IAM',
      allowed: 'IAM users only on a cluster with IAM database authentication on; this cluster has iamAuthentication: false, so RDS refuses every token',
      fix: 'drop iamAuthentication: false on the AuroraPostgres (it is on by default), or use DatabaseAuthentication.PASSWORD',
    });
  }
  if (props.rotation === true || props.rotationInterval !== undefined) {
    throwPropError(scope, {
      code: 'USER_IAM_ROTATION',
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
export function validateProxyAuthentication(scope: IConstruct, authentication: 'PASSWORD' | 'IAM', users: ClusterUsers): void {
  const proxy = users.props.proxy;
  if (proxy === undefined || proxy.authentication === authentication) return;
  throwPropError(scope, authentication === 'IAM' ? {
    code: 'USER_IAM_BEHIND_PASSWORD_PROXY',
    prop: 'authentication',
    value: 'IAM',
    allowed: 'IAM users behind an RDS Proxy only when the proxy authenticates with IAM: this proxy logs in with registered secrets and refuses tokens',
    fix: 'set proxyOptions: { authentication: DatabaseAuthentication.IAM } on the AuroraPostgres (then every user is an IAM user), or use DatabaseAuthentication.PASSWORD with rotation: false',
  } : {
    code: 'USER_PASSWORD_BEHIND_IAM_PROXY',
    prop: 'authentication',
    value: 'PASSWORD',
    allowed: 'only IAM users behind an RDS Proxy with IAM authentication (proxyOptions.authentication: IAM): it registers no secret, so a password cannot log in through it',
    fix: 'add the user with authentication: DatabaseAuthentication.IAM, or drop proxyOptions.authentication',
  });
}

/** `grantReadCredentials` needs a secret: a PASSWORD user's (of a cluster, or seen from a secondary). */
export function validateGrantReadCredentials(scope: IConstruct, authentication: DatabaseAuthentication): void {
  if (authentication === DatabaseAuthentication.PASSWORD) return;
  throwPropError(scope, {
    code: 'USER_GRANT_READ_WITHOUT_SECRET',
    prop: 'authentication',
    value: authentication,
    allowed: 'grantReadCredentials only for a PASSWORD user: an IAM user has no secret',
    fix: 'grant the pods grantConnect instead (e.g. user.grantConnect(podIdentity))',
  });
}

/** `grantConnect` needs an IAM user (of a cluster, or seen from a secondary: `fix` says how there). */
export function validateGrantConnect(scope: IConstruct, authentication: DatabaseAuthentication,
  fix = 'add the user with authentication: DatabaseAuthentication.IAM, or grant grantReadCredentials to read its secret'): void {
  if (authentication === DatabaseAuthentication.IAM) return;
  throwPropError(scope, {
    code: 'USER_GRANT_CONNECT_WITHOUT_IAM',
    prop: 'authentication',
    value: authentication,
    allowed: 'grantConnect only for an IAM user (authentication: DatabaseAuthentication.IAM): a password user cannot log in with tokens',
    fix,
  });
}

/**
 * Grants `rds-db:connect` as `username` on the cluster (by its resource id) and, with an RDS Proxy, on the proxy
 * (by its `prx-` id): pods connect through the proxy when there is one, and the token names the host they use.
 */
export function grantIamConnect(scope: IConstruct, grantee: iam.IGrantable, users: ClusterUsers, username: string): iam.Grant {
  const { clusterResourceId, region, proxy } = users.props;
  const resourceArns = [dbUserArn(scope, { resourceId: clusterResourceId!, username, region })];
  if (proxy) resourceArns.push(dbUserArn(scope, { resourceId: proxyResourceId(proxy.arn), username, region }));
  return iam.Grant.addToPrincipal({ grantee, actions: ['rds-db:connect'], resourceArns });
}
