import { execFileSync } from 'child_process';
import { Template } from 'aws-cdk-lib/assertions';

/** The OIDC issuer, as aws-cdk-lib takes it from the provider's ARN. */
const ISSUER_OF_PROVIDER = /^\{"Fn::Select":\[1,\{"Fn::Split":\[":oidc-provider\/",\{"Ref":"EksOpenIdConnectProvider[0-9A-F]+"\}\]\}\]\}$/;

/** Rebuilds a Fn::Join of strings and intrinsics into one string, each intrinsic as <<Ref:Id>> / <<GetAtt:Id.Attr>>. */
export function joined(value: any): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value?.['Fn::Join'])) return value['Fn::Join'][1].map(joined).join(value['Fn::Join'][0]);
  if (typeof value?.Ref === 'string') return `<<Ref:${value.Ref}>>`;
  if (Array.isArray(value?.['Fn::GetAtt'])) return `<<GetAtt:${value['Fn::GetAtt'].join('.')}>>`;
  if (ISSUER_OF_PROVIDER.test(JSON.stringify(value))) return '<<issuer>>';
  throw new Error(`unexpected intrinsic ${JSON.stringify(value)}`);
}

/** The one resource of a type whose logical id starts with a prefix. */
export function only(template: Template, type: string, idPrefix: string): [string, any] {
  const found = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(idPrefix));
  expect(found.map(([id]) => id)).toHaveLength(1);
  return found[0];
}

/** Every Kubernetes object of every KubernetesManifest of a template, with the id of its manifest. */
export function kubernetesObjects(template: Template): Array<{ manifestId: string; object: any }> {
  return Object.entries(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'))
    .flatMap(([manifestId, r]) => (JSON.parse(joined(r.Properties.Manifest)) as any[]).map(object => ({ manifestId, object })));
}

/**
 * Validates objects against the external-secrets.io/v1 models of @kubernetes-models/external-secrets (generated
 * from External Secrets Operator's Go API types, v0.16.2). The package is ESM only: it runs in a node of its own.
 */
export function validateWithEsoModels(objects: object[]): string[] {
  const script = `
    import { ClusterSecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ClusterSecretStore';
    import { SecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore';
    import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
    const models = { ClusterSecretStore, SecretStore, ExternalSecret };
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const errors = JSON.parse(input).map(o => {
      if (o.apiVersion !== 'external-secrets.io/v1' || !models[o.kind]) return 'no model for ' + o.apiVersion + '/' + o.kind;
      try { new models[o.kind](o).validate(); return ''; } catch (e) { return e.message; }
    });
    process.stdout.write(JSON.stringify(errors));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { input: JSON.stringify(objects), cwd: __dirname });
  return JSON.parse(out.toString()).filter((e: string) => e !== '');
}
