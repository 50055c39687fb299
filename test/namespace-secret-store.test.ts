import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cdk8s from 'cdk8s';
import { AuroraPostgres, DatabaseLink, DatabaseUser, ExternalSecretsOperator, NamespaceSecretStore, PostgresLinkChart, SecretStoreKind } from '../src';
import { joined, kubernetesObjects, only, validateWithEsoModels } from './eso-helpers';
import { nagFindings, testStack } from './util';

const ENV = { account: '123456789012', region: 'us-east-1' };

function eksStack(identityType?: eks.IdentityType) {
  const { app, stack, vpc } = testStack({ env: ENV });
  const cluster = new eks.Cluster(stack, 'Eks', {
    vpc,
    version: eks.KubernetesVersion.V1_35,
    defaultCapacity: 0,
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'KubectlLayer', 'arn:aws:lambda:us-east-1:123456789012:layer:kubectl:1'),
  });
  const db = new AuroraPostgres(stack, 'rds', { vpc });
  const eso = new ExternalSecretsOperator(stack, 'Eso', { cluster, identityType });
  return { app, stack, cluster, db, eso };
}

/** The platform team's code per service: one user, one grant, one chart. */
function addService(db: AuroraPostgres, eso: ExternalSecretsOperator, namespace: string, username: string, createNamespace = false): DatabaseUser {
  const user = db.addDatabaseUser(username, { username });
  user.grantReadCredentials(eso.forNamespace(namespace));
  eso.addChart(`${username}-db`, new PostgresLinkChart(new cdk8s.App(), `${username}-db`, {
    namespace, createNamespace, links: [{ moduleName: username, database: user.link }], deployThroughEks: true,
  }));
  return user;
}

/** A role's permissions: the resources of every Allow statement, inline or attached; no managed policy. */
function roleReads(template: Template, roleId: string): string[] {
  const resources = template.toJSON().Resources;
  const role = resources[roleId];
  expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  const statements = [
    ...(role.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement),
    ...Object.values(resources).filter((r: any) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement),
  ];
  return statements.flatMap((s: any) => {
    expect(s.Effect).toBe('Allow');
    expect(s.Action).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']);
    return [s.Resource].flat().map(joined);
  }).sort();
}

/** Whom a role trusts: the ServiceAccount of its IRSA condition, or the service principal. */
function trustOf(template: Template, roleId: string): string[] {
  const resources = template.toJSON().Resources;
  return resources[roleId].Properties.AssumeRolePolicyDocument.Statement.map((s: any) => {
    expect(s.Principal.AWS).toBeUndefined(); // no role or account may assume it: not the controller, not a store's `role`
    if (s.Principal.Service) return `service:${s.Principal.Service}`;
    expect(s.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(joined(s.Principal.Federated)).toMatch(/^<<Ref:EksOpenIdConnectProvider/);
    const conditions = JSON.parse(joined(resources[s.Condition.StringEquals['Fn::GetAtt'][0]].Properties.Value));
    expect(conditions['<<issuer>>:aud']).toBe('sts.amazonaws.com');
    expect(Object.keys(conditions)).toEqual(['<<issuer>>:aud', '<<issuer>>:sub']);
    return conditions['<<issuer>>:sub'];
  });
}

/**
 * What the ExternalSecrets of one namespace can read: follows each store in the namespace to the role it
 * authenticates as (its ServiceAccount's annotation; no auth: the controller's own role), checks that the role
 * trusts that ServiceAccount only, and returns the secrets of its policies. ClusterSecretStores serve every
 * namespace: there must be none.
 */
function namespaceReads(template: Template, namespace: string, controllerRoleId: string): string[] {
  const objects = kubernetesObjects(template).map(o => o.object);
  expect(objects.filter(o => o.kind === 'ClusterSecretStore')).toEqual([]);
  const stores = objects.filter(o => o.kind === 'SecretStore' && o.metadata.namespace === namespace);
  return stores.flatMap(store => {
    const saName = store.spec.provider.aws.auth?.jwt?.serviceAccountRef?.name;
    if (saName === undefined) return roleReads(template, controllerRoleId);
    expect(store.spec.provider.aws.auth.jwt.serviceAccountRef.namespace).toBeUndefined();
    const sa = objects.find(o => o.kind === 'ServiceAccount' && o.metadata.namespace === namespace && o.metadata.name === saName);
    const roleId = /^<<GetAtt:(\w+)\.Arn>>$/.exec(sa.metadata.annotations['eks.amazonaws.com/role-arn'])![1];
    expect(trustOf(template, roleId)).toEqual([`system:serviceaccount:${namespace}:${saName}`]);
    return roleReads(template, roleId);
  }).sort();
}

/** The secrets the ExternalSecrets of a namespace name, and the stores they read. */
function namespaceLinks(template: Template, namespace: string): { stores: string[]; secrets: string[] } {
  const externalSecrets = kubernetesObjects(template).map(o => o.object)
    .filter(o => o.kind === 'ExternalSecret' && o.metadata.namespace === namespace);
  return {
    stores: [...new Set(externalSecrets.map(e => `${e.spec.secretStoreRef.kind}/${e.spec.secretStoreRef.name}`))],
    secrets: [...new Set(externalSecrets.flatMap(e => e.spec.data.map((d: any) => d.remoteRef.key)))].sort(),
  };
}

function secretOf(stack: Stack, user: { secret?: { secretArn: string } }): string {
  return joined(stack.resolve(user.secret!.secretArn));
}

/** Two services, a and b, each with its own user, store grant and chart in its own namespace. */
function twoServices() {
  const { app, stack, db, eso } = eksStack();
  const a = addService(db, eso, 'a', 'a');
  const b = addService(db, eso, 'b', 'b');
  return { app, stack, db, eso, a, b };
}

describe('two services, a and b, each in its own namespace', () => {
  test('namespace a reads exactly a\'s secret, b exactly b\'s (before: each read both, and the master\'s where granted)', () => {
    // GIVEN
    const { stack, a, b } = twoServices();
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    const [controllerRoleId] = only(template, 'AWS::IAM::Role', 'EsoRole');
    expect(namespaceReads(template, 'a', controllerRoleId)).toEqual([secretOf(stack, a)]);
    expect(namespaceReads(template, 'b', controllerRoleId)).toEqual([secretOf(stack, b)]);
    expect(secretOf(stack, a)).not.toEqual(secretOf(stack, b));
  });

  test('each namespace\'s ExternalSecrets name its own SecretStore and read what that store may read', () => {
    // GIVEN
    const { stack } = twoServices();
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    const [controllerRoleId] = only(template, 'AWS::IAM::Role', 'EsoRole');
    for (const namespace of ['a', 'b']) {
      const links = namespaceLinks(template, namespace);
      expect(links.stores).toEqual(['SecretStore/aws-secrets-manager']);
      expect(links.secrets).toEqual(namespaceReads(template, namespace, controllerRoleId));
    }
  });

  test('the controller\'s own identity reads nothing, and no role trusts it (or any AWS principal)', () => {
    // GIVEN
    const { stack } = twoServices();
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    const [controllerRoleId] = only(template, 'AWS::IAM::Role', 'EsoRole');
    expect(roleReads(template, controllerRoleId)).toEqual([]);
    expect(trustOf(template, controllerRoleId)).toEqual(['service:pods.eks.amazonaws.com']);
    // a SecretStore that a namespace editor creates without auth uses the controller's identity: it reads nothing;
    // one that names a role (spec.provider.aws.role) makes the controller assume it: no role that reads a secret
    // trusts an AWS principal (the store roles trust one ServiceAccount each, the functions their service)
    const resources = template.toJSON().Resources;
    const readers = Object.entries(resources).flatMap(([id, r]: [string, any]) => {
      const policies = r.Type === 'AWS::IAM::Role' ? (r.Properties.Policies ?? []).map((p: any) => p.PolicyDocument)
        : r.Type === 'AWS::IAM::Policy' ? [r.Properties.PolicyDocument] : [];
      const reads = JSON.stringify(policies).includes('secretsmanager:GetSecretValue');
      return !reads ? [] : r.Type === 'AWS::IAM::Role' ? [id] : r.Properties.Roles.map((ref: any) => ref.Ref);
    });
    expect(readers.length).toBe(3); // the two stores and the user provisioning function (rotation runs in a SAR app)
    for (const roleId of new Set(readers)) expect(JSON.stringify(resources[roleId].Properties.AssumeRolePolicyDocument)).not.toMatch(/"AWS"/);
  });

  test('a store per namespace: Role, trust conditions and one manifest (ServiceAccount + SecretStore); no AWS::IAM::Policy', () => {
    // GIVEN
    const { stack } = twoServices();
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    for (const namespace of ['a', 'b']) {
      const prefix = `EsoNamespaces${namespace}`;
      const ids = Object.keys(template.toJSON().Resources).filter(id => id.startsWith(prefix));
      expect(ids.map(id => template.toJSON().Resources[id].Type).sort()).toEqual([
        'AWS::IAM::Role', 'Custom::AWSCDK-EKS-KubernetesResource', 'Custom::AWSCDKCfnJson',
      ]);
    }
    expect(Object.keys(template.findResources('AWS::IAM::Policy')).filter(id => id.startsWith('Eso'))).toEqual([]);
  });

  test('the manifest: an annotated ServiceAccount without a mounted token, and a v1 SecretStore valid against External Secrets\' models', () => {
    // GIVEN
    const { stack } = twoServices();
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    const [manifestId, manifest] = only(template, 'Custom::AWSCDK-EKS-KubernetesResource', 'EsoNamespacesaManifest');
    const [roleId] = only(template, 'AWS::IAM::Role', 'EsoNamespacesaRole');
    const [sa, store] = JSON.parse(joined(manifest.Properties.Manifest));
    expect(sa).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'aws-secrets-manager',
        namespace: 'a',
        labels: expect.objectContaining({ 'app.kubernetes.io/managed-by': 'cdk-aurora-postgres' }),
        annotations: { 'eks.amazonaws.com/role-arn': `<<GetAtt:${roleId}.Arn>>` },
      },
      automountServiceAccountToken: false,
    });
    expect(store.spec).toEqual({
      provider: { aws: { service: 'SecretsManager', region: 'us-east-1', auth: { jwt: { serviceAccountRef: { name: 'aws-secrets-manager' } } } } },
    });
    expect(validateWithEsoModels([store])).toEqual([]);
    const [helmId] = only(template, 'Custom::AWSCDK-EKS-HelmChart', 'Eso');
    const [chartId, chart] = only(template, 'Custom::AWSCDK-EKS-KubernetesResource', 'EsoChartsadb');
    expect(template.toJSON().Resources[manifestId].DependsOn).toEqual(expect.arrayContaining([helmId]));
    expect(chart.DependsOn).toEqual(expect.arrayContaining([helmId, manifestId]));
    expect(chartId).toBeDefined();
  });

  test('the old code, a grant to the operator itself, fails at synth and says what to write instead', () => {
    // GIVEN
    const { db, eso, a } = twoServices();
    // WHEN
    const grants = [() => a.grantReadCredentials(eso), () => db.grantReadCredentials(eso)];
    // THEN
    expect(grants[0]).toThrow(
      /\[ESO_GRANT_TO_OPERATOR\] ExternalSecretsOperator at 'TestStack\/Eso': invalid grantee 'the ExternalSecretsOperator \(the controller's own identity\)'\. Allowed: the store of the namespace that links the secret: .*Fix: grant the namespace instead: user\.grantReadCredentials\(eso\.forNamespace\('orders'\)\)/);
    expect(grants[1]).toThrow(/\[ESO_GRANT_TO_OPERATOR\] .*invalid grantee/);
  });

  test('no warning', () => {
    // GIVEN
    const { stack } = twoServices();
    // WHEN
    const annotations = Annotations.fromStack(stack);
    // THEN
    expect(annotations.findWarning('*', Match.stringLikeRegexp('externalSecretsStore|secretNotGrantedToStore|emptySecretStore'))).toEqual([]);
  });
});

/** Three services in two namespaces (shop: orders and carts; analytics: reports) and the master linked into dba. */
function threeServices() {
  const { stack, db, eso } = eksStack(eks.IdentityType.IRSA);
  const orders = addService(db, eso, 'shop', 'orders');
  const carts = addService(db, eso, 'shop', 'carts');
  const reports = addService(db, eso, 'analytics', 'reports');
  db.grantReadCredentials(eso.forNamespace('dba'));
  eso.addChart('admin', new PostgresLinkChart(new cdk8s.App(), 'admin', {
    namespace: 'dba', links: [{ moduleName: 'rds', database: db.link }], deployThroughEks: true,
  }));
  return { stack, db, eso, orders, carts, reports };
}

describe('three services in two namespaces; the master linked into a third', () => {
  test('shop reads orders and carts, analytics reads reports, dba the master: each exactly what it links', () => {
    // GIVEN
    const { stack, db, orders, carts, reports } = threeServices();
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    const [controllerRoleId] = only(template, 'AWS::IAM::Role', 'EsoRole');
    expect(namespaceReads(template, 'shop', controllerRoleId)).toEqual([secretOf(stack, orders), secretOf(stack, carts)].sort());
    expect(namespaceReads(template, 'analytics', controllerRoleId)).toEqual([secretOf(stack, reports)]);
    expect(namespaceReads(template, 'dba', controllerRoleId)).toEqual([joined(stack.resolve(db.secret!.secretArn))]);
    for (const namespace of ['shop', 'analytics', 'dba']) {
      expect(namespaceLinks(template, namespace).secrets).toEqual(namespaceReads(template, namespace, controllerRoleId));
    }
  });

  test('one store per namespace, however many services', () => {
    // GIVEN
    const { stack } = threeServices();
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    const stores = kubernetesObjects(template).map(o => o.object).filter(o => o.kind === 'SecretStore');
    expect(stores.map(s => s.metadata.namespace).sort()).toEqual(['analytics', 'dba', 'shop']);
  });

  test('with IRSA, the controller\'s role trusts its own ServiceAccount only and reads nothing', () => {
    // GIVEN
    const { stack } = threeServices();
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    const [controllerRoleId] = only(template, 'AWS::IAM::Role', 'EsoRole');
    expect(trustOf(template, controllerRoleId)).toEqual(['system:serviceaccount:external-secrets:external-secrets']);
    expect(roleReads(template, controllerRoleId)).toEqual([]);
  });

  test('each store is granted every secret its namespace\'s ExternalSecrets read: no warning', () => {
    // GIVEN
    const { stack } = threeServices();
    // WHEN
    const annotations = Annotations.fromStack(stack);
    // THEN
    expect(annotations.findWarning('*', Match.stringLikeRegexp('secretNotGrantedToStore|emptySecretStore'))).toEqual([]);
  });
});

describe('ordering and stacks', () => {
  test('a chart that creates its namespace goes first; the store waits for it', () => {
    // GIVEN
    const { stack, db, eso } = eksStack();
    // WHEN
    addService(db, eso, 'orders', 'orders', true);
    // THEN
    const template = Template.fromStack(stack);
    const [storeId, store] = only(template, 'Custom::AWSCDK-EKS-KubernetesResource', 'EsoNamespacesordersManifest');
    const [chartId, chart] = only(template, 'Custom::AWSCDK-EKS-KubernetesResource', 'EsoChartsordersdb');
    expect(store.DependsOn).toContain(chartId);
    expect(chart.DependsOn ?? []).not.toContain(storeId);
  });

  test('a store created after the chart that creates its namespace waits for it too', () => {
    // GIVEN
    const { stack, eso } = eksStack();
    const namespaceChart = new cdk8s.Chart(new cdk8s.App(), 'payments');
    new cdk8s.ApiObject(namespaceChart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments' } });
    const chart = eso.addChart('payments', namespaceChart);
    // WHEN
    const store = new NamespaceSecretStore(stack, 'PaymentsStore', { operator: eso, namespace: 'payments' });
    // THEN
    expect(store.manifest.node.dependencies).toContain(chart);
    expect(store.manifest.node.dependencies).toContain(eso.helmChart);
  });

  test('a namespace\'s store in a service stack of its own: its role and grants live there', () => {
    // GIVEN
    const { app, stack, db, eso } = eksStack();
    const service = new Stack(app, 'Orders', { env: ENV });
    const user = db.addDatabaseUser('orders', { username: 'orders' });
    // WHEN
    const store = new NamespaceSecretStore(service, 'Store', { operator: eso, namespace: 'orders' });
    user.grantReadCredentials(store);
    // THEN
    expect(eso.forNamespace('orders')).toBe(store);
    const template = Template.fromStack(service);
    only(template, 'AWS::IAM::Role', 'StoreRole');
    only(template, 'Custom::AWSCDK-EKS-KubernetesResource', 'StoreManifest');
    expect(service.dependencies).toEqual([stack]);
  });
});

describe('bad input', () => {
  test('two stores for one namespace', () => {
    // GIVEN
    const { stack, eso } = eksStack();
    eso.forNamespace('orders');
    // WHEN
    const again = () => new NamespaceSecretStore(stack, 'Again', { operator: eso, namespace: 'orders' });
    // THEN
    expect(again).toThrow(
      /\[SECRET_STORE_NAMESPACE_TAKEN\] NamespaceSecretStore at 'TestStack\/Again': invalid namespace 'orders'\. Allowed: a namespace without a store yet: 'orders' already has one \(TestStack\/Eso\/Namespaces\/orders\).*Fix: grant that store \(eso\.forNamespace\('orders'\)\)/);
  });

  test('a namespace that is not a DNS label', () => {
    // GIVEN
    const { eso } = eksStack();
    // WHEN
    const store = () => eso.forNamespace('Orders_Team');
    // THEN
    expect(store).toThrow(
      /\[SECRET_STORE_NAMESPACE_NAME\] ExternalSecretsOperator at 'TestStack\/Eso': invalid forNamespace\(namespace\) 'Orders_Team'\. Allowed: a DNS-1123 label: .*Fix: give the service's namespace, e\.g\. eso\.forNamespace\('orders'\)/);
  });

  test('a NamespaceSecretStore of a namespace that is not a DNS label', () => {
    // GIVEN
    const { stack, eso } = eksStack();
    // WHEN
    const store = () => new NamespaceSecretStore(stack, 'Store', { operator: eso, namespace: 'orders.team' });
    // THEN
    expect(store).toThrow(
      /\[SECRET_STORE_NAMESPACE_NAME\] NamespaceSecretStore at 'TestStack\/Store': invalid namespace 'orders\.team'\. Allowed: a DNS-1123 label: .*Fix: give the service's namespace, e\.g\. 'orders'/);
  });
});

test('a store granted nothing: a warning that names the grant to add', () => {
  // GIVEN
  const { stack, db, eso } = eksStack();
  // WHEN
  eso.addChart('orders-db', new PostgresLinkChart(new cdk8s.App(), 'orders-db', {
    namespace: 'orders', links: [{ moduleName: 'rds', database: db.link }], deployThroughEks: true,
  }));
  // THEN
  Annotations.fromStack(stack).hasWarning('/TestStack/Eso/Namespaces/orders', Match.stringLikeRegexp(
    "The store of namespace 'orders' may read no secret, so its ExternalSecrets will be denied. Grant it what the namespace links: user.grantReadCredentials\\(eso.forNamespace\\('orders'\\)\\)."));
});

describe('each ExternalSecret\'s secret is granted to its namespace\'s store (checked at synth)', () => {
  /** A chart in namespace orders that links `link` as module `rds`, added with eso.addChart. */
  const addOrdersChart = (eso: ExternalSecretsOperator, database: DatabaseLink) => eso.addChart('orders-db', new PostgresLinkChart(new cdk8s.App(), 'orders-db', {
    namespace: 'orders', links: [{ moduleName: 'rds', database }], deployThroughEks: true,
  }));

  test('a store granted another secret than the one its chart reads: a warning that names the reader and the grant', () => {
    // GIVEN
    const { stack, db, eso } = eksStack();
    const orders = db.addDatabaseUser('orders', { username: 'orders' });
    orders.grantReadCredentials(eso.forNamespace('orders'));
    // WHEN
    addOrdersChart(eso, db.link); // the master's secret, which the store is not granted
    // THEN
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/Eso/Namespaces/orders', Match.stringLikeRegexp('secretNotGrantedToStore'));
    expect(warnings.map(w => w.entry.data)).toEqual([expect.stringMatching(
      /^ExternalSecret 'orders-db-db-links' of chart 'orders-db' reads the secret \{"Ref":"rdsSecretAttachment\w+"\}, but the store of namespace 'orders' is not granted it, so External Secrets will be denied\. Grant it: /)]);
  });

  test('a literal secret ARN granted to the store (an imported secret): no warning', () => {
    // GIVEN
    const { stack, eso } = eksStack();
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-AbCdEf';
    secretsmanager.Secret.fromSecretCompleteArn(stack, 'Imported', arn).grantRead(eso.forNamespace('orders'));
    // WHEN
    addOrdersChart(eso, DatabaseLink.fromValues({ host: 'h', secretArn: arn }));
    // THEN
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('secretNotGrantedToStore'))).toEqual([]);
  });

  test('a literal secret ARN that the store is not granted: a warning', () => {
    // GIVEN
    const { stack, eso } = eksStack();
    const granted = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-AbCdEf';
    secretsmanager.Secret.fromSecretCompleteArn(stack, 'Imported', granted).grantRead(eso.forNamespace('orders'));
    // WHEN
    addOrdersChart(eso, DatabaseLink.fromValues({ host: 'h', secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:carts-XyZ123' }));
    // THEN
    Annotations.fromStack(stack).hasWarning('/TestStack/Eso/Namespaces/orders', Match.stringLikeRegexp(
      "reads the secret 'arn:aws:secretsmanager:us-east-1:123456789012:secret:carts-XyZ123', but the store of namespace 'orders' is not granted it"));
  });

  test('a chart in a service stack that reads a secret of a third stack, which the store is not granted: a warning', () => {
    // GIVEN
    const { app, stack, db, eso } = eksStack();
    db.grantReadCredentials(eso.forNamespace('orders')); // the store is in the platform stack
    const secret = new secretsmanager.Secret(new Stack(app, 'Other', { env: ENV }), 'Secret');
    const service = new Stack(app, 'Orders', { env: ENV });
    // WHEN
    eso.addChart('orders-db', new PostgresLinkChart(new cdk8s.App(), 'orders-db', {
      namespace: 'orders', links: [{ moduleName: 'rds', database: DatabaseLink.fromValues({ host: 'h', secretArn: secret.secretArn }) }], deployThroughEks: true,
    }), { scope: service });
    // THEN
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/Eso/Namespaces/orders', Match.stringLikeRegexp('secretNotGrantedToStore'));
    expect(warnings.map(w => w.entry.data)).toEqual([expect.stringMatching(/^ExternalSecret 'orders-db-db-links' of chart 'orders-db' reads the secret \{"Ref":"Secret\w+"\}/)]);
  });

  test('a literal secret ARN against a store granted a CDK token: no warning (synth cannot tell)', () => {
    // GIVEN
    const { stack, db, eso } = eksStack();
    db.grantReadCredentials(eso.forNamespace('orders'));
    // WHEN
    addOrdersChart(eso, DatabaseLink.fromValues({ host: 'h', secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds-AbCdEf' }));
    // THEN
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('secretNotGrantedToStore'))).toEqual([]);
  });
});

test('charts that read another store, or a ClusterSecretStore, get a warning that says what to change', () => {
  // GIVEN
  const { stack, db, eso } = eksStack();
  type ChartProps = Partial<ConstructorParameters<typeof PostgresLinkChart>[2]>;
  const chart = (id: string, props: ChartProps) => eso.addChart(id, new PostgresLinkChart(new cdk8s.App(), id, {
    namespace: 'orders', links: [{ moduleName: 'rds', database: db.link }], deployThroughEks: true, ...props,
  }));
  // WHEN
  chart('cluster-store', { secretStoreKind: SecretStoreKind.CLUSTER_SECRET_STORE, secretStoreName: 'aws-secrets-manager' });
  chart('other-store', { secretStoreName: 'vault' });
  // THEN
  const warnings = Annotations.fromStack(stack).findWarning('/TestStack/Eso', Match.anyValue()).map(w => w.entry.data);
  expect(warnings).toEqual([
    expect.stringMatching(/^ExternalSecret 'cluster-store-db-links' of chart 'cluster-store' reads the ClusterSecretStore 'aws-secrets-manager', but this operator renders none: .*Drop the chart's secretStoreKind/),
    expect.stringMatching(/^ExternalSecret 'other-store-db-links' of chart 'other-store' reads the SecretStore 'vault', but this operator's store in each namespace is 'aws-secrets-manager'/),
  ]);
  // neither gets a store of ours
  expect(kubernetesObjects(Template.fromStack(stack)).filter(o => o.object.kind === 'SecretStore')).toEqual([]);
});

test('cdk-nag AwsSolutions: no finding on the operator and its namespaces\' stores', () => {
  // GIVEN
  const { app } = twoServices();
  // WHEN
  const findings = nagFindings(app);
  // THEN
  expect(findings.filter(f => f.path.startsWith('TestStack/Eks/')).length).toBeGreaterThan(0); // the check ran
  expect(findings.filter(f => f.path.startsWith('TestStack/Eso/'))).toEqual([]);
});
