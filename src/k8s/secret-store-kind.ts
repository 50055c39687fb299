/**
 * The kind of External Secrets Operator store an `ExternalSecret` reads from.
 */
export enum SecretStoreKind {
  /**
   * A cluster-wide `ClusterSecretStore`: one store, set up once by the platform team, serves every namespace.
   * The default.
   */
  CLUSTER_SECRET_STORE = 'ClusterSecretStore',

  /** A `SecretStore` in the service's own namespace. */
  SECRET_STORE = 'SecretStore',
}
