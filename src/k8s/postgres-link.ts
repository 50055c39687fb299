import { DatabaseLink } from '../database-link';

/**
 * The names of the environment variables of one link, as in Opta's
 * `links: [{ db: [{ db_user: A, db_host: B, db_name: C, db_password: D }] }]`: Opta's four are required, the others
 * keep `<moduleName>_db_*` unless given. Each name must be a valid environment variable name
 * (`[A-Za-z_][A-Za-z0-9_]*`).
 */
export interface PostgresLinkEnvNames {
  /** The name of the user name variable, e.g. `DB_USER`. */
  readonly user: string;

  /** The name of the password variable, e.g. `DB_PASSWORD` (an IAM link has none: the name is not used). */
  readonly password: string;

  /** The name of the database name variable, e.g. `DB_NAME`. */
  readonly name: string;

  /** The name of the host variable, e.g. `DB_HOST`. */
  readonly host: string;

  /**
   * The name of the port variable (Opta had none).
   *
   * @default `<moduleName>_db_port`
   */
  readonly port?: string;

  /**
   * The name of the connection URL variable (`postgresql://user:password@host:port/db?sslmode=...`), e.g.
   * `DATABASE_URL`.
   *
   * @default `<moduleName>_db_url`
   */
  readonly url?: string;

  /**
   * The name of the JDBC URL variable (`jdbc:postgresql://host:port/db?sslmode=...&sslrootcert=...`, no
   * credentials: give pgjdbc the user and password apart), e.g. `SPRING_DATASOURCE_URL`.
   *
   * @default `<moduleName>_db_jdbc_url`
   */
  readonly jdbcUrl?: string;

  /**
   * The name of the reader host variable, with `includeReaderHost: true`.
   *
   * @default `<moduleName>_db_reader_host`
   */
  readonly readerHost?: string;
}

/**
 * New names for the environment variables of one link (the keys of Opta's fields, camelCase).
 *
 * A rename must name all four of Opta's fields (`dbUser`, `dbPassword`, `dbName`, `dbHost`); a missing one is
 * an error that names it; `dbPort`, `dbUrl`, `dbJdbcUrl` and `dbReaderHost` are optional. Each name must be a valid environment variable name (`[A-Za-z_][A-Za-z0-9_]*`).
 * The fields are optional in the type only so that a missing one gets that clear error.
 *
 * @deprecated use `PostgresLinkEnvNames` (`PostgresLink.envNames`), whose four required names are required in its type
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
   * Other names for the environment variables: Opta's four (`user`, `password`, `name`, `host`), and optionally
   * the others.
   *
   * @default - `<moduleName>_db_user`, `<moduleName>_db_password`, `<moduleName>_db_name`,
   * `<moduleName>_db_host`, `<moduleName>_db_port`, `<moduleName>_db_url`, `<moduleName>_db_jdbc_url`
   */
  readonly envNames?: PostgresLinkEnvNames;

  /**
   * Other names for the environment variables, with Opta's keys (`dbUser`...).
   *
   * @deprecated use `envNames` (`{ user, password, name, host, ... }`); not both
   * @default - `<moduleName>_db_*`
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
   * `envNames.readerHost`): the cluster reader endpoint, or its RDS Proxy's read-only endpoint
   * (`DatabaseLink.readerHost`, from `AuroraPostgres.link` or the `<moduleName>DbReaderHost` output). Same port,
   * user, password and database as the writer. A link whose database has no reader host is refused.
   *
   * @default false
   */
  readonly includeReaderHost?: boolean;

  /**
   * Also give the database's host for read-only traffic (see `includeReaderHost`).
   *
   * @deprecated use `includeReaderHost` (`DatabaseLink.readerHost` is the host itself, a string); not both
   * @default false
   */
  readonly readerHost?: boolean;
}
