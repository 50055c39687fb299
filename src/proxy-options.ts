import { Duration } from 'aws-cdk-lib';
import { DatabaseAuthentication } from './database-authentication';

/**
 * Settings of the RDS Proxy of an `AuroraPostgres` with `proxy: true` (its `proxyOptions` prop). Each is checked
 * against the range AWS documents for it at synth time; a setting left out is not written to the template, so
 * RDS's default applies.
 */
export interface ProxyOptions {
  /**
   * The proxy's name, unique in the account and region: a letter, then letters, digits and single hyphens, at
   * most 63 characters, not ending with a hyphen. Changing it replaces the proxy (a new endpoint).
   *
   * To keep a proxy deployed by an earlier version of this library (named `Proxy`, or, in an app that sets
   * aws-cdk-lib's `@aws-cdk/aws-rds:databaseProxyUniqueResourceName` flag, a name made from the construct path),
   * give its current name (`aws rds describe-db-proxies --query 'DBProxies[].DBProxyName'`).
   *
   * @default - `<stack name>-<path in the stack>-<hash>` in lower case, cut to 60 characters: unique per stack
   * and construct path, so two databases with a proxy in one account and region never collide
   */
  readonly proxyName?: string;

  /**
   * The most database connections the proxy opens to each instance, as a percentage of its `max_connections`
   * (`MaxConnectionsPercent`). Leave room for connections that do not go through the proxy (migrations, the user
   * provisioning function, rotation). 1 to 100.
   *
   * @default 100 (RDS's default)
   */
  readonly maxConnectionsPercent?: number;

  /**
   * How many idle database connections the proxy keeps open, as a percentage of `max_connections`
   * (`MaxIdleConnectionsPercent`): lower closes idle connections sooner. 0 to `maxConnectionsPercent`.
   *
   * @default - half of `maxConnectionsPercent` (RDS's default: 50)
   */
  readonly maxIdleConnectionsPercent?: number;

  /**
   * How long a client waits for a database connection when all the proxy may open are busy
   * (`ConnectionBorrowTimeout`), before the proxy refuses it. 0 (wait without limit) to 1 hour, whole seconds.
   *
   * @default Duration.seconds(120) (RDS's default)
   */
  readonly borrowTimeout?: Duration;

  /**
   * How long a client connection may stay idle before the proxy closes it (`IdleClientTimeout`). Keep it below
   * your clients' own pool idle time so that they never use a connection the proxy has closed. 1 second to
   * 8 hours, whole seconds.
   *
   * @default Duration.minutes(30) (RDS's default)
   */
  readonly idleClientTimeout?: Duration;

  /**
   * Whether the proxy logs the SQL of every statement to CloudWatch Logs (`DebugLogging`): for troubleshooting
   * only, as the log holds query text (and whatever data it carries) and costs ingestion.
   *
   * @default false
   */
  readonly debugLogging?: boolean;

  /**
   * How clients and the proxy log in. `IAM`: end to end (`DefaultAuthScheme: IAM_AUTH`): clients sign tokens for
   * the proxy, the proxy signs its own for the cluster with its role, and no secret is registered (not even the
   * master's, which then cannot log in through the proxy: connect as the master to the writer endpoint). Only
   * IAM users (`authentication: DatabaseAuthentication.IAM`) may then be added, and rotation and the master secret
   * are out of the pods' path. `PASSWORD`: the proxy logs in with the registered secrets.
   *
   * @default DatabaseAuthentication.PASSWORD
   */
  readonly authentication?: DatabaseAuthentication;
}
