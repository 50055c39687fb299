/**
 * The library's defaults that more than one construct or side relies on, defined once. Each public prop that
 * defaults to one of these says so in its `@default`.
 */

/** How often a rotated secret rotates by default (master and users), in days. */
export const DEFAULT_ROTATION_DAYS = 30;

/**
 * The name of the namespaced SecretStore `ExternalSecretsOperator` renders in each namespace, and the store a
 * `PostgresLinkChart` reads from by default. Its ServiceAccount has the same name.
 */
export const DEFAULT_SECRET_STORE_NAME = 'aws-secrets-manager';

/** PostgreSQL's port: the default of a cluster, an imported cluster and a link. */
export const DEFAULT_POSTGRES_PORT = 5432;
