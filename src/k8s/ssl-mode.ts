/**
 * libpq's `sslmode`: whether the service's connection must use TLS and how it checks the server's certificate.
 * `PostgresLinkChart` writes it into `<moduleName>_db_url` (`?sslmode=`) and into `PGSSLMODE`.
 */
export enum SslMode {
  /**
   * TLS, the server's certificate signed by a trusted CA (the Amazon RDS CAs, or your own CA ConfigMap), and the
   * host name checked against it. The default: the only mode that stops a man in the middle.
   */
  VERIFY_FULL = 'verify-full',

  /** TLS, the server's certificate signed by a trusted CA; the host name is not checked. */
  VERIFY_CA = 'verify-ca',

  /**
   * TLS without checking the certificate (libpq). node-postgres' `pg-connection-string` 2.x reads `require` in a
   * URL as `verify-full` unless `uselibpqcompat=true` is given (which libpq itself refuses).
   */
  REQUIRE = 'require',

  /** TLS when the server offers it, else plain text; nothing checked. libpq's own default. Local development only. */
  PREFER = 'prefer',

  /** No TLS. Refused by a server that requires TLS (`AuroraPostgres` with `requireTls`, the default). Local development only. */
  DISABLE = 'disable',
}

