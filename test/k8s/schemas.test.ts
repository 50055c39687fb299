import { PLACEHOLDER_VARIANTS, VARIANTS, K8sObject, fullChart, objectsOf, variantChart } from './fixtures';
import { validateObject } from './schema-validation';
import { LinkSecretMode } from '../../src';

/** Every chart the other tests render: each variant in each mode it accepts, and every option at once. */
function everyRenderedObject(): K8sObject[] {
  const charts = [
    ...VARIANTS.map(v => variantChart(v, LinkSecretMode.EXTERNAL_SECRET)),
    ...PLACEHOLDER_VARIANTS.map(v => variantChart(v, LinkSecretMode.PLAIN)),
    fullChart(LinkSecretMode.EXTERNAL_SECRET),
    fullChart(LinkSecretMode.PLAIN),
  ];
  return charts.flatMap(c => objectsOf(c));
}

test('every rendered object is valid: Kubernetes 1.27 schemas, and the ExternalSecret schema', () => {
  // GIVEN
  const objects = everyRenderedObject();

  // WHEN
  const failures = objects.flatMap(o => {
    try {
      validateObject(o);
      return [];
    } catch (e) {
      return [(e as Error).message];
    }
  });

  // THEN
  expect(failures).toEqual([]);
  expect([...new Set(objects.map(o => o.kind))].sort())
    .toEqual(['ConfigMap', 'Deployment', 'ExternalSecret', 'Namespace', 'Role', 'RoleBinding', 'Secret', 'ServiceAccount']);
});

describe('the validation can fail', () => {
  /** A fresh copy of one object of the chart with every option (each test renders its own). */
  const pick = (kind: string) => JSON.parse(JSON.stringify(objectsOf(fullChart(LinkSecretMode.EXTERNAL_SECRET)).find(o => o.kind === kind)));
  const plainSecret = () => JSON.parse(JSON.stringify(objectsOf(fullChart(LinkSecretMode.PLAIN)).find(o => o.kind === 'Secret')));

  test.each<[string, () => K8sObject, RegExp]>([
    ['a ConfigMap value that is not a string', () => ({ ...pick('ConfigMap'), data: { 'ca.pem': 1 } }), /ConfigMap 'orders-db-rds-ca': .*data\/ca\.pem must be string/],
    ['a ConfigMap with a misspelt field', () => { const c = pick('ConfigMap'); c.dta = c.data; delete c.data; return c; }, /unknown fields \.dta/],
    ['a CA mount with an unknown field', () => {
      const d = pick('Deployment');
      d.spec.template.spec.containers[0].volumeMounts[0].readonly = true;
      return d;
    }, /unknown fields \.spec\.template\.spec\.containers\[0\]\.volumeMounts\[0\]\.readonly/],
    ['a Secret value that is not a string', () => ({ ...plainSecret(), stringData: { A: 5432 } }), /Secret 'orders-db-links': .*stringData\/A must be string/],
    ['a Secret with a misspelt field', () => { const s = plainSecret(); s.stringDta = s.stringData; delete s.stringData; return s; }, /unknown fields \.stringDta/],
    ['a Role whose verbs are not a list', () => ({ ...pick('Role'), rules: [{ apiGroups: [''], resources: ['secrets'], verbs: 'get' }] }), /rules\/0\/verbs must be array/],
    ['a RoleBinding without roleRef', () => { const b = pick('RoleBinding'); delete b.roleRef; return b; }, /must have required property 'roleRef'/],
    ['an env var with an unknown field deep in a Deployment', () => {
      const d = pick('Deployment');
      d.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.keyName = 'x';
      return d;
    }, /unknown fields \.spec\.template\.spec\.containers\[0\]\.env\[0\]\.valueFrom\.secretKeyRef\.keyName/],
    ['an ExternalSecret with a store kind ESO does not have', () => {
      const e = pick('ExternalSecret');
      e.spec.secretStoreRef.kind = 'VaultStore';
      return e;
    }, /secretStoreRef\/kind must be equal to one of the allowed values/],
    ['an ExternalSecret with template engine v1', () => { const e = pick('ExternalSecret'); e.spec.target.template.engineVersion = 'v1'; return e; }, /engineVersion must be equal to constant/],
    ['an ExternalSecret remoteRef without key', () => { const e = pick('ExternalSecret'); delete e.spec.data[0].remoteRef.key; return e; }, /remoteRef must have required property 'key'/],
    ['an ExternalSecret with an unknown field', () => { const e = pick('ExternalSecret'); e.spec.target.template.engine = 'v2'; return e; }, /must NOT have additional properties/],
    ['an ExternalSecret in the old v1beta1 API', () => ({ ...pick('ExternalSecret'), apiVersion: 'external-secrets.io/v1beta1' }), /no schema for external-secrets.io\/v1beta1\/ExternalSecret/],
    ['a kind without a schema', () => ({ apiVersion: 'v1', kind: 'Pod2', metadata: { name: 'x' } }), /no schema for v1\/Pod2/],
  ])('%s is rejected', (_what, broken, reason) => {
    // GIVEN
    const object = broken();

    // WHEN
    const validate = () => validateObject(object);

    // THEN
    expect(validate).toThrow(reason);
  });
});
