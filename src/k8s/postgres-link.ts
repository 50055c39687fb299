import { DatabaseLink } from '../database-link';

/**
 * New names for the environment variables of one link, as in Opta's
 * `links: [{ db: [{ db_user: A, db_host: B, db_name: C, db_password: D }] }]`.
 *
 * A rename must name all four of Opta's fields (`dbUser`, `dbPassword`, `dbName`, `dbHost`); a missing one is
 * an error that names it; `dbPort`, `dbUrl`, `dbJdbcUrl` and `dbReaderHost` are optional. Each name must be a valid environment variable name (`[A-Za-z_][A-Za-z0-9_]*`).
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

  /**
   * The name of the connection URL variable (`postgresql://user:password@host:port/db?sslmode=...`), e.g.
   * `DATABASE_URL`.
   *
   * @default `<moduleName>_db_url`
   */
  readonly dbUrl?: string;

  /**
   * The name of the JDBC URL variable (`jdbc:postgresql://host:port/db?sslmode=...&sslrootcert=...`, no
   * credentials: give pgjdbc the user and password apart), e.g. `SPRING_DATASOURCE_URL`.
   *
   * @default `<moduleName>_db_jdbc_url`
   */
  readonly dbJdbcUrl?: string;

  /**
   * The name of the reader host variable, with `readerHost: true`.
   *
   * @default `<moduleName>_db_reader_host`
   */
  readonly dbReaderHost?: string;
}

/**
 * One database linked into a service: where it is, and under which environment variable names the service
 * sees it.
 */
export interface PostgresLink {
  /**
   * The prefix of the environment variables, used as it is (no case change), as Opta's module name was:
   * `<moduleName>_db_user`, `<moduleName>_db_password`, `<moduleName>_db_name`, `<moduleName>_db_host`,
   * `<moduleName>_db_port`, `<moduleName>_db_url` and `<moduleName>_db_jdbc_url`. A letter or `_`, then letters,
   * digits or `_`.
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
   * `<moduleName>_db_host`, `<moduleName>_db_port`, `<moduleName>_db_url`, `<moduleName>_db_jdbc_url`
   */
  readonly rename?: PostgresLinkRename;

  /**
   * Also give this link under libpq's own names, which `psql` and every libpq-based client read without
   * configuration: `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`, and `PGSSLROOTCERT`
   * (the chart's CA bundle, with a verifying `sslMode`). At most one link of a chart.
   *
   * @default false
   */
  readonly libpqVariables?: boolean;

  /**
   * Also give the database's host for read-only traffic as `<moduleName>_db_reader_host` (or
   * `rename.dbReaderHost`): the cluster reader endpoint, or its RDS Proxy's read-only endpoint
   * (`DatabaseLink.readerHost`, from `AuroraPostgres.link` or the `<moduleName>DbReaderHost` output). Same port,
   * user, password and database as the writer. A link whose database has no reader host is refused.
   *
   * @default false
   */
  readonly readerHost?: boolean;
}
