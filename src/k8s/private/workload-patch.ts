import { LinkedContainerSpec, LinkedEnvVar } from './linked-container';
import { PropErrorDetails } from '../../private/errors';

/** One RFC 6902 operation, as plain JSON (the chart turns it into a cdk8s `JsonPatch`). */
export interface PatchOperation {
  readonly op: 'add' | 'replace' | 'test';
  readonly path: string;
  readonly value: unknown;
}

/** What `linkWorkload` is asked to link (narrow: no chart, no construct). */
export interface WorkloadPatchInput {
  /** The workload's manifest as it renders now (`ApiObject.toJson()`). */
  readonly manifest: any;
  /** What every linked container gets (linked-container.ts). */
  readonly linked: LinkedContainerSpec;
  /** The containers to link, by name; every container of `containers` when undefined. */
  readonly containers?: readonly string[];
  /** The JSON pointer to the pod spec; looked for in `POD_SPEC_PATHS` when undefined. */
  readonly podSpecPath?: string;
}

/** What linking the workload takes. */
export interface WorkloadPatch {
  /** The JSON patch: first a `test` of each linked container's name, then env, mounts and the CA volume. */
  readonly operations: PatchOperation[];
  /** Where the pod spec is. */
  readonly podSpecPath: string;
  /** The names of the linked containers. */
  readonly linkedContainers: string[];
}

/**
 * Where the pod spec is in the manifests of the usual kinds: Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
 * Argo Rollout and Knative Service (`/spec/template/spec`); CronJob and KEDA ScaledJob
 * (`/spec/jobTemplate/spec/template/spec`); Pod (`/spec`). The first that holds `containers` is the pod spec.
 */
export const POD_SPEC_PATHS = ['/spec/template/spec', '/spec/jobTemplate/spec/template/spec', '/spec'];

/** The kinds that Stakater Reloader rolls (a Job it runs again, so `linkWorkload` does not annotate those by default). */
export const ROLLING_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout'];

const POINTER = /^(\/[^/]+)+$/;

/**
 * The JSON patch that links the chosen containers of a workload's pod spec, computed against the workload's
 * manifest as it renders now: each variable of `linked.env` appended (or, when the container already has one of that
 * name with another value, replaced: the chart's value wins, as with `linkContainer`), and with a CA bundle its
 * volume added to the pod and mounted read-only in each linked container. What is already there is not added again,
 * so linking twice changes nothing. Paths name containers by index: a `test` of each container's name first makes
 * the patch fail rather than patch another container if the containers change after linking.
 */
export function workloadPatch(input: WorkloadPatchInput, refuse: (details: PropErrorDetails) => never): WorkloadPatch {
  const { manifest, linked } = input;
  const describe = `${manifest?.kind ?? 'an object'} '${manifest?.metadata?.name ?? '(unnamed)'}'`;
  const podSpecPath = validatePodSpecPath(input, describe, refuse);
  const podSpec = valueAt(manifest, podSpecPath);
  const targets = validateTargets(input, podSpec, podSpecPath, describe, refuse);
  const operations: PatchOperation[] = [];
  for (const { path, container } of targets) {
    operations.push({ op: 'test', path: `${path}/name`, value: container.name });
  }
  for (const { path, container } of targets) {
    mergeByName(operations, `${path}/env`, container.env, linked.env.map(toEnvVar));
    const caBundle = linked.caBundle;
    if (caBundle === undefined) continue;
    const clash = (container.volumeMounts ?? []).find((m: any) => m?.mountPath === caBundle.mount.mountPath && m?.name !== caBundle.mount.name);
    if (clash !== undefined) {
      refuse({
        code: 'CHART_WORKLOAD_CA_MOUNT_TAKEN',
        prop: 'workload',
        value: `${describe}, container '${container.name}' (volume '${clash.name}' mounted at ${clash.mountPath})`,
        allowed: `a container with nothing mounted at ${caBundle.mount.mountPath}: the CA bundle is mounted over that directory`,
        fix: 'give the chart another caBundlePath, or mount the other volume elsewhere',
      });
    }
    mergeByName(operations, `${path}/volumeMounts`, container.volumeMounts, [caBundle.mount]);
  }
  if (linked.caBundle !== undefined) {
    const existing = (podSpec.volumes ?? []).find((v: any) => v?.name === linked.caBundle!.volume.name);
    if (existing !== undefined && !sameJson(existing, linked.caBundle.volume)) {
      refuse({
        code: 'CHART_WORKLOAD_CA_VOLUME_TAKEN',
        prop: 'workload',
        value: `${describe} (a volume '${existing.name}' of its own)`,
        allowed: `a pod without a volume named '${linked.caBundle.volume.name}' other than the chart's CA bundle`,
        fix: 'rename that volume',
      });
    }
    mergeByName(operations, `${podSpecPath}/volumes`, podSpec.volumes, [linked.caBundle.volume]);
  }
  return { operations, podSpecPath, linkedContainers: targets.map(t => t.container.name) };
}

/** Where the pod spec is: the given JSON pointer (validated), or the first of `POD_SPEC_PATHS` that holds containers. */
function validatePodSpecPath(input: WorkloadPatchInput, describe: string, refuse: (details: PropErrorDetails) => never): string {
  const { manifest } = input;
  if (input.podSpecPath !== undefined && (!POINTER.test(input.podSpecPath) || !isObject(valueAt(manifest, input.podSpecPath)))) {
    refuse({
      code: 'CHART_WORKLOAD_POD_SPEC_PATH_INVALID',
      prop: 'options.podSpecPath',
      value: input.podSpecPath,
      allowed: `a JSON pointer (e.g. '/spec/template/spec') to an object in the manifest of ${describe}: its pod spec, which holds containers`,
      fix: "point at the workload's pod spec, or drop podSpecPath to have it found",
    });
  }
  const podSpecPath = input.podSpecPath ?? POD_SPEC_PATHS.find(p => Array.isArray(valueAt(manifest, p)?.containers));
  if (podSpecPath === undefined) {
    refuse({
      code: 'CHART_WORKLOAD_POD_SPEC_NOT_FOUND',
      prop: 'workload',
      value: describe,
      allowed: `a workload whose manifest holds a pod spec with containers at ${POD_SPEC_PATHS.join(', ')}`,
      fix: `give options.podSpecPath, the JSON pointer to the pod spec of a ${manifest?.kind ?? 'custom resource'}; or add the workload's containers before linkWorkload (it patches what the workload renders when it is called)`,
    });
  }
  return podSpecPath;
}

/** The containers to link: every one of `containers`, or the named ones (each must exist, in either list). */
function validateTargets(input: WorkloadPatchInput, podSpec: any, podSpecPath: string, describe: string,
  refuse: (details: PropErrorDetails) => never): Array<{ path: string; container: any }> {
  const containers: any[] = Array.isArray(podSpec.containers) ? podSpec.containers : [];
  const initContainers: any[] = Array.isArray(podSpec.initContainers) ? podSpec.initContainers : [];
  if (containers.length === 0) {
    refuse({
      code: 'CHART_WORKLOAD_WITHOUT_CONTAINERS',
      prop: 'workload',
      value: `${describe} (no container at ${podSpecPath}/containers)`,
      allowed: 'a workload with at least one container when linkWorkload is called: it patches what the workload renders then',
      fix: "add the workload's containers first, then call linkWorkload",
    });
  }
  if (input.containers === undefined) {
    return containers.map((container, i) => ({ path: `${podSpecPath}/containers/${i}`, container }));
  }
  const known = [...containers, ...initContainers].map(c => c?.name);
  const targets: Array<{ path: string; container: any }> = [];
  for (const name of new Set(input.containers)) {
    const i = containers.findIndex(c => c?.name === name);
    const j = initContainers.findIndex(c => c?.name === name);
    if (i < 0 && j < 0) {
      refuse({
        code: 'CHART_WORKLOAD_CONTAINER_UNKNOWN',
        prop: 'options.containers',
        value: name,
        allowed: `the name of a container or init container of ${describe}: ${known.map(n => `'${n}'`).join(', ')}`,
        fix: 'name one of those, or drop options.containers to link every container',
      });
    }
    targets.push(i >= 0
      ? { path: `${podSpecPath}/containers/${i}`, container: containers[i] }
      : { path: `${podSpecPath}/initContainers/${j}`, container: initContainers[j] });
  }
  return targets;
}

/**
 * The value of a Reloader annotation that names `name` too: the names already there (comma-separated) are kept.
 */
export function reloaderAnnotationValue(existing: unknown, name: string): string {
  const names = String(existing ?? '').split(',').map(n => n.trim()).filter(n => n.length > 0);
  if (!names.includes(name)) names.push(name);
  return names.join(',');
}

/** Appends (or replaces, by name) entries of a list of named objects that may not exist yet. */
function mergeByName(operations: PatchOperation[], path: string, list: unknown, entries: Array<{ readonly name: string }>): void {
  if (!Array.isArray(list)) {
    operations.push({ op: 'add', path, value: entries });
    return;
  }
  for (const entry of entries) {
    const i = list.findIndex(e => e?.name === entry.name);
    if (i < 0) {
      operations.push({ op: 'add', path: `${path}/-`, value: entry });
    } else if (!sameJson(list[i], entry)) {
      operations.push({ op: 'replace', path: `${path}/${i}`, value: entry });
    }
  }
}

/** A linked variable as a container's env entry. */
function toEnvVar(v: LinkedEnvVar): { name: string; value?: string; valueFrom?: unknown } {
  return v.secretKeyRef !== undefined
    ? { name: v.name, valueFrom: { secretKeyRef: { name: v.secretKeyRef.name, key: v.secretKeyRef.key } } }
    : { name: v.name, value: v.value };
}

function valueAt(document: any, pointer: string): any {
  let value = document;
  for (const token of pointer.split('/').slice(1)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = value[token.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return value;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.keys(value as object).sort().map(k => [k, sorted((value as any)[k])]));
}
