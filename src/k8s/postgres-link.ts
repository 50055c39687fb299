import { DatabaseLink } from '../database-link';

/**
 * New names for the environment variables of one link, as in Opta's
 * `links: [{ db: [{ db_user: A, db_host: B, db_name: C, db_password: D }] }]`.
 *
 * A rename must name all four of Opta's fields (`dbUser`, `dbPassword`, `dbName`, `dbHost`); a missing one is
 * an error that names it. Each name must be a valid environment variable name (`[A-Za-z_][A-Za-z0-9_]*`).
 * The fields are optional in the type only so that a missing one gets that clear error.
 */
export interface PostgresLinkRename {
  /**
   * The name of the user name variable (required in a rename).
   *
   * @default - none: a rename must give it
   */
  readonly dbUser?: string;

  /**
   * The name of the password variable (required in a rename).
   *
   * @default - none: a rename must give it
   */
  readonly dbPassword?: string;

  /**
   * The name of the database name variable (required in a rename).
   *
   * @default - none: a rename must give it
   */
  readonly dbName?: string;

  /**
   * The name of the host variable (required in a rename).
   *
   * @default - none: a rename must give it
   */
  readonly dbHost?: string;

  /**
   * The name of the port variable (Opta had none).
   *
   * @default `<moduleName>_db_port`
   */
  readonly dbPort?: string;
}

/**
 * One database linked into a service: where it is, and under which environment variable names the service
 * sees it.
 */
export interface PostgresLink {
  /**
   * The prefix of the environment variables, used as it is (no case change), as Opta's module name was:
   * `<moduleName>_db_user`, `<moduleName>_db_password`, `<moduleName>_db_name`, `<moduleName>_db_host` and
   * `<moduleName>_db_port`. A letter or `_`, then letters, digits or `_`.
   */
  readonly moduleName: string;

  /**
   * The database: `AuroraPostgres.link` (CDK tokens; only through `eks.Cluster.addCdk8sChart`, see
   * `PostgresLinkChartProps.deployThroughEks`), `DatabaseLink.fromCdkOutputs(...)` or `DatabaseLink.fromValues(...)`.
   */
  readonly database: DatabaseLink;

  /**
   * Other names for the environment variables.
   *
   * @default - `<moduleName>_db_user`, `<moduleName>_db_password`, `<moduleName>_db_name`,
   * `<moduleName>_db_host`, `<moduleName>_db_port`
   */
  readonly rename?: PostgresLinkRename;
}
