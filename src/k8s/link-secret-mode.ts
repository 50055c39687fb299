/**
 * How `PostgresLinkChart` puts the database credentials into the Kubernetes Secret that the service reads.
 */
export enum LinkSecretMode {
  /**
   * Render an External Secrets Operator `ExternalSecret` (`external-secrets.io/v1`, ESO 0.16 or later) that
   * reads the credentials from AWS Secrets Manager and writes the Secret in the cluster. No password is ever
   * written into a manifest. The default.
   *
   * A chart whose links read nothing from a secret (every value is a literal or a placeholder such as
   * `UNKNOWN_SEE_ORIGINAL_DB`) needs no `ExternalSecret`: it renders a plain Secret with those values.
   */
  EXTERNAL_SECRET = 'EXTERNAL_SECRET',

  /**
   * Render a plain Secret with every value inline (`stringData`), the password included. Only for local
   * development and tests: every link must hold its password as a literal (`DatabaseLink.fromValues`).
   */
  PLAIN = 'PLAIN',
}
