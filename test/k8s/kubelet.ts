import * as fs from 'fs';
import * as path from 'path';
import * as cdk8s from 'cdk8s';
import { tempDir } from '../util';
import { renderEsoTemplates } from './eso-template';
import { K8sObject, find } from './fixtures';

// What the cluster does with the rendered manifests, for the end-to-end tests: External Secrets Operator writing the
// Secret, and the kubelet mounting ConfigMap volumes (resolveContainerEnv in fixtures.ts does the env).

/** Synthesizes a cdk8s app to YAML with App.synth() and reads every object back from the files. */
export function synthToYaml(build: (app: cdk8s.App) => void): { objects: K8sObject[]; yaml: string } {
  const outdir = tempDir('cdk8s-e2e');
  const app = new cdk8s.App({ outdir });
  build(app);
  app.synth();
  const files = fs.readdirSync(outdir).map(f => path.join(outdir, f));
  return {
    objects: files.flatMap(f => cdk8s.Yaml.load(f)) as K8sObject[],
    yaml: files.map(f => fs.readFileSync(f, 'utf8')).join('\n'),
  };
}

/**
 * What External Secrets Operator does with the ExternalSecret, with its template engine (Go text/template + sprig):
 * read each `spec.data` entry from the (fake) Secrets Manager secret, render `spec.target.template.data`,
 * and write the target Secret.
 */
export function simulateEso(externalSecret: K8sObject, secretsManager: Record<string, string>): K8sObject {
  const values: Record<string, string> = {};
  for (const { secretKey, remoteRef } of externalSecret.spec.data) {
    values[secretKey] = JSON.parse(secretsManager[remoteRef.key])[remoteRef.property];
  }
  const rendered = renderEsoTemplates(externalSecret.spec.target.template.data, values);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: externalSecret.spec.target.name, namespace: externalSecret.metadata.namespace },
    type: externalSecret.spec.target.template.type,
    data: Object.fromEntries(Object.entries(rendered).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
  };
}


/**
 * Writes the files of a Deployment's first container's ConfigMap volume mounts where they are mounted, as the
 * kubelet would (the mount paths are absolute paths on this machine: render them under a temp dir). Checks that
 * every mount is read-only and that the ConfigMap and its keys exist in the manifests, as the pod would not
 * start otherwise. Returns the files written.
 */
export function materializeMounts(objects: K8sObject[], deploymentName?: string): string[] {
  const deployment = find(objects, 'Deployment', deploymentName);
  const pod = deployment.spec.template.spec;
  const written: string[] = [];
  for (const mount of pod.containers[0].volumeMounts ?? []) {
    if (mount.readOnly !== true) throw new Error(`mount ${mount.mountPath} is not read-only`);
    const volume = (pod.volumes ?? []).find((v: any) => v.name === mount.name);
    if (!volume?.configMap) throw new Error(`volume ${mount.name}: only ConfigMap volumes are supported here`);
    const configMap = find(objects, 'ConfigMap', volume.configMap.name);
    if (configMap.metadata.namespace !== deployment.metadata.namespace) throw new Error(`ConfigMap ${configMap.metadata.name} is not in the pod's namespace`);
    const items: Array<{ key: string; path: string }> = volume.configMap.items ?? Object.keys(configMap.data).map(key => ({ key, path: key }));
    for (const { key, path: file } of items) {
      if (configMap.data?.[key] === undefined) throw new Error(`ConfigMap ${configMap.metadata.name} has no key ${key}`);
      const target = path.join(mount.mountPath, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, configMap.data[key], { mode: 0o444 });
      written.push(target);
    }
  }
  return written;
}
