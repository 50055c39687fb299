/**
 * How a `DatabaseUser` (or an RDS Proxy) logs in to PostgreSQL.
 */
export enum DatabaseAuthentication {
  /**
   * A password kept in Secrets Manager, rotated with alternating users, carried to pods by External Secrets
   * Operator.
   */
  PASSWORD = 'PASSWORD',

  /**
   * IAM database authentication: the role has no password and is granted `rds_iam`; it logs in with a token
   * that the caller signs with its own AWS credentials (`rds-db:connect` on the user). A token is valid for 15
   * minutes and is checked at login only; TLS is required; AWS throttles IAM logins at about 200 new connections
   * per second (logins that reuse a token are not throttled). No secret, no rotation. Pods get their AWS
   * credentials from EKS Pod Identity.
   */
  IAM = 'IAM',
}
