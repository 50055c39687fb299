/**
 * The kind of External Secrets Operator store an `ExternalSecret` reads from.
 */
export enum SecretStoreKind {
  /**
   * A cluster-wide `ClusterSecretStore`: one store serves every namespace its `conditions` admit, so each of them
   * can read whatever the store's identity may read.
   */
  CLUSTER_SECRET_STORE = 'ClusterSecretStore',

  /**
   * A `SecretStore` in the service's own namespace: it serves that namespace only (`ExternalSecretsOperator`
   * renders one per namespace, reading only what the namespace was granted). The default.
   */
  SECRET_STORE = 'SecretStore',
}
