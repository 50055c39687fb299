import * as iam from 'aws-cdk-lib/aws-iam';
import { DatabaseLink } from './database-link';

/**
 * A database user that a service links to: a `DatabaseUser`, or a primary's user seen from a global secondary's
 * region (`DatabaseUser.fromSecondary`).
 */
export interface IDatabaseUser {
  /** The PostgreSQL role name (rotation alternates it with `<username>_clone`). */
  readonly username: string;

  /** Where the database is and how to log in as this user, for a `PostgresLinkChart`. */
  readonly link: DatabaseLink;

  /**
   * Grants read access to the user's credentials secret (the one `link` reads), and nothing else: e.g. to the
   * store of the namespace that links it, `eso.forNamespace('orders')`.
   *
   * @param grantee the principal
   */
  grantReadCredentials(grantee: iam.IGrantable): iam.Grant;

  /**
   * Grants `rds-db:connect` as this user (an IAM user: `DatabaseAuthentication.IAM`), e.g. to a
   * `DatabasePodIdentity`; refused for a password user.
   *
   * @param grantee the principal
   */
  grantConnect(grantee: iam.IGrantable): iam.Grant;
}
