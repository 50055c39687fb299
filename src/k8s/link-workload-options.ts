/**
 * Options of `PostgresLinkChart.linkWorkload`.
 */
export interface LinkWorkloadOptions {
  /**
   * The names of the containers to link, from the pod's `containers` or `initContainers` (e.g. a migration
   * init container). Each must exist.
   *
   * @default - every container in the pod's `containers` (init containers only when named)
   */
  readonly containers?: string[];

  /**
   * The JSON pointer to the pod spec (the object that holds `containers`) inside the workload's manifest, for a
   * custom resource whose pod spec is elsewhere than `/spec/template/spec` (Deployment, StatefulSet, DaemonSet,
   * ReplicaSet, Job, Argo Rollout, Knative Service), `/spec/jobTemplate/spec/template/spec` (CronJob, KEDA
   * ScaledJob) or `/spec` (Pod), the places looked at otherwise.
   *
   * @default - found from those places
   */
  readonly podSpecPath?: string;

  /**
   * Whether to add Stakater Reloader's annotations to the workload (see `restartOnSecretChange`), so that it
   * rolls when External Secrets Operator rewrites the Secret after a rotation. Needs Reloader in the cluster.
   *
   * @default - true for a Deployment, StatefulSet, DaemonSet or Argo Rollout; false for other kinds (a Job's or
   * a CronJob's pods read the Secret when they start, and Reloader would run a Job again)
   */
  readonly restartOnSecretChange?: boolean;
}
