import * as fs from 'fs';
import * as path from 'path';
import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cdk8s from 'cdk8s';
import { AuroraPostgres, ExternalSecretsOperator, ExternalSecretsOperatorProps, PostgresLinkChart } from '../src';
import { joined, only, validateWithEsoModels } from './eso-helpers';
import { findingsIn, nagFindings, tempDir, testStack } from './util';

const ENV = { account: '123456789012', region: 'us-east-1' };

/** A real eks.Cluster; the kubectl layer is a reference unless `realLayer`. */
function eksStack(options: { realLayer?: boolean; defaultCapacity?: number; outdir?: string } = {}) {
  const { app, stack, vpc } = testStack({ env: ENV }, { validation: options.outdir !== undefined, outdir: options.outdir });
  const cluster = new eks.Cluster(stack, 'Eks', {
    vpc,
    version: eks.KubernetesVersion.V1_35,
    defaultCapacity: options.defaultCapacity ?? 0,
    kubectlLayer: options.realLayer
      ? new KubectlV35Layer(stack, 'KubectlLayer')
      : lambda.LayerVersion.fromLayerVersionArn(stack, 'KubectlLayer', 'arn:aws:lambda:us-east-1:123456789012:layer:kubectl:1'),
  });
  return { app, stack, vpc, cluster };
}

function linkChart(db: AuroraPostgres, props: { secretStoreName?: string } = {}) {
  return new PostgresLinkChart(new cdk8s.App(), 'orders-db', {
    namespace: 'orders',
    createNamespace: true,
    links: [{ moduleName: 'rds', database: db.link }],
    deployThroughEks: true,
    secretStoreName: props.secretStoreName,
  });
}

/**
 * The platform stack of the Pod Identity tests: a database, the operator (EKS Pod Identity, the default) on a real
 * eks.Cluster with a node, the orders namespace granted the master's secret and a chart that reads it added with
 * addChart, and a chart added by hand (reports) that waits for the operator with node.addDependency. With
 * `realLayer`, the kubectl layer comes from @aws-cdk/lambda-layer-kubectl-v35; with `outdir`, aws-cdk-lib's
 * built-in CloudFormation validator runs (its report lands there).
 */
function podIdentityPlatform(options: { realLayer?: boolean; outdir?: string } = {}) {
  const { stack, vpc, cluster } = eksStack({ ...options, defaultCapacity: 1 });
  const db = new AuroraPostgres(stack, 'rds', { vpc, databaseName: 'orders' });
  const eso = new ExternalSecretsOperator(stack, 'Eso', { cluster });
  db.grantReadCredentials(eso.forNamespace('orders'));
  eso.addChart('orders-db', linkChart(db));
  const own = cluster.addCdk8sChart('reports-db', new PostgresLinkChart(new cdk8s.App(), 'reports-db', {
    namespace: 'reports', links: [{ moduleName: 'rds', database: db.link }], deployThroughEks: true,
  }));
  own.node.addDependency(eso);
  return { stack, db, eso };
}

describe('ExternalSecretsOperator with EKS Pod Identity (the default) on a real eks.Cluster', () => {
  test('the Helm release: the pinned chart from the operator\'s repository, CRDs on, wait on, its own ServiceAccount', () => {
    // GIVEN
    const { stack } = podIdentityPlatform();
    // WHEN
    const [, helm] = only(Template.fromStack(stack), 'Custom::AWSCDK-EKS-HelmChart', 'Eso');
    // THEN
    expect(helm.Properties).toEqual(expect.objectContaining({
      Repository: 'https://charts.external-secrets.io',
      Chart: 'external-secrets',
      Version: '2.9.0',
      Release: 'external-secrets',
      Namespace: 'external-secrets',
      CreateNamespace: true,
      Wait: true,
      Timeout: '600s',
    }));
    expect(JSON.parse(helm.Properties.Values)).toEqual({
      installCRDs: true,
      // removing the release must not delete every ExternalSecret in the cluster (and the Secrets they own)
      crds: { annotations: { 'helm.sh/resource-policy': 'keep' } },
      // no eks.amazonaws.com/role-arn annotation: with it, the IRSA credentials would take precedence
      serviceAccount: { create: true, name: 'external-secrets' },
    });
  });

  test('no ClusterSecretStore: the orders namespace gets a SecretStore of Secrets Manager in the stack\'s region', () => {
    // GIVEN
    const { stack } = podIdentityPlatform();
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    const [, store] = only(template, 'Custom::AWSCDK-EKS-KubernetesResource', 'EsoNamespacesordersManifest');
    const objects = JSON.parse(joined(store.Properties.Manifest));
    expect(objects.map((o: any) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/orders/aws-secrets-manager', 'SecretStore/orders/aws-secrets-manager',
    ]);
    expect(objects[1].spec.provider.aws).toEqual(expect.objectContaining({ service: 'SecretsManager', region: 'us-east-1' }));
    expect(JSON.stringify(template.toJSON())).not.toMatch(/ClusterSecretStore/);
  });

  test('the store and the chart\'s ExternalSecret are valid against External Secrets\' v1 models', () => {
    // GIVEN
    const { stack } = podIdentityPlatform();
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    const [, store] = only(template, 'Custom::AWSCDK-EKS-KubernetesResource', 'EsoNamespacesordersManifest');
    const [, chart] = only(template, 'Custom::AWSCDK-EKS-KubernetesResource', 'EsoChartsordersdb');
    const storeObject = JSON.parse(joined(store.Properties.Manifest))[1];
    const externalSecret = JSON.parse(joined(chart.Properties.Manifest)).find((o: any) => o.kind === 'ExternalSecret');
    expect(externalSecret.spec.secretStoreRef).toEqual({ name: 'aws-secrets-manager', kind: 'SecretStore' });
    expect(validateWithEsoModels([storeObject, externalSecret])).toEqual([]);
  });

  test('the validation can fail: a misspelt service, a missing region, a serviceAccountRef without name, v1beta1', () => {
    // GIVEN
    const { stack } = podIdentityPlatform();
    const [, store] = only(Template.fromStack(stack), 'Custom::AWSCDK-EKS-KubernetesResource', 'EsoNamespacesordersManifest');
    const storeObject = JSON.parse(joined(store.Properties.Manifest))[1];
    const aws = storeObject.spec.provider.aws;
    const withAws = (a: object) => ({ ...storeObject, spec: { provider: { aws: a } } });
    // WHEN
    const errors = validateWithEsoModels([
      withAws({ ...aws, service: 'SecretManager' }),
      withAws({ service: 'SecretsManager' }),
      withAws({ ...aws, auth: { jwt: { serviceAccountRef: { namespace: 'orders' } } } }),
      { ...storeObject, apiVersion: 'external-secrets.io/v1beta1' },
    ]);
    // THEN
    expect(errors).toEqual([
      expect.stringMatching(/provider\/aws\/service must be equal to one of the allowed values/),
      expect.stringMatching(/provider\/aws must have required property region/),
      expect.stringMatching(/serviceAccountRef must have required property name/),
      'no model for external-secrets.io/v1beta1/SecretStore',
    ]);
  });

  test('EKS Pod Identity: a role for pods.eks.amazonaws.com, associated with external-secrets/external-secrets, and the agent add-on', () => {
    // GIVEN
    const { stack } = podIdentityPlatform();
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    const [roleId] = only(template, 'AWS::IAM::Role', 'EsoRole');
    const [, association] = only(template, 'AWS::EKS::PodIdentityAssociation', 'Eso');
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
      },
    });
    expect(association.Properties).toEqual({
      ClusterName: { Ref: expect.stringMatching(/^Eks/) },
      Namespace: 'external-secrets',
      ServiceAccount: 'external-secrets',
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'eks-pod-identity-agent' });
    expect(template.findResources('Custom::AWSCDK-OpenIdConnectProvider')).toEqual({});
  });

  test('grantReadCredentials(eso.forNamespace(...)) lets that namespace\'s role read the database\'s secret; the controller\'s role reads nothing', () => {
    // GIVEN
    const { stack, db } = podIdentityPlatform();
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    const [roleId] = only(template, 'AWS::IAM::Role', 'EsoRole');
    const [, storeRole] = only(template, 'AWS::IAM::Role', 'EsoNamespacesordersRole');
    expect(storeRole.Properties.Policies).toEqual([{
      PolicyName: 'LinkedSecrets',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: { Ref: expect.stringMatching(/^rds.*Attachment/) },
        }],
      },
    }]);
    expect(Stack.of(stack).resolve(db.link.secretArn)).toEqual(storeRole.Properties.Policies[0].PolicyDocument.Statement[0].Resource);
    expect(template.toJSON().Resources[roleId].Properties.Policies).toBeUndefined();
    expect(Object.keys(template.findResources('AWS::IAM::Policy')).filter(id => id.startsWith('Eso'))).toEqual([]);
  });

  test('CloudFormation order: namespace store (and its role) -> chart manifest (it creates the namespace) -> Helm release -> identity, agent, nodes', () => {
    // GIVEN
    const { stack } = podIdentityPlatform();
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    const [helmId] = only(template, 'Custom::AWSCDK-EKS-HelmChart', 'Eso');
    const [storeId, store] = only(template, 'Custom::AWSCDK-EKS-KubernetesResource', 'EsoNamespacesordersManifest');
    const [chartId] = only(template, 'Custom::AWSCDK-EKS-KubernetesResource', 'EsoChartsordersdb');
    const [ownId, ownManifest] = only(template, 'Custom::AWSCDK-EKS-KubernetesResource', 'Eksreportsdb');
    const [roleId] = only(template, 'AWS::IAM::Role', 'EsoRole');
    const [storeRoleId] = only(template, 'AWS::IAM::Role', 'EsoNamespacesordersRole');
    const [associationId] = only(template, 'AWS::EKS::PodIdentityAssociation', 'Eso');
    const [agentId] = only(template, 'AWS::EKS::Addon', 'EksEksPodIdentityAgentAddon');
    const [nodegroupId] = only(template, 'AWS::EKS::Nodegroup', 'EksNodegroupDefaultCapacity');
    const dependsOn = (id: string) => template.toJSON().Resources[id].DependsOn ?? [];
    expect(dependsOn(storeId)).toContain(chartId);
    expect(dependsOn(chartId)).toContain(helmId);
    expect(dependsOn(chartId)).not.toContain(storeId);
    expect(dependsOn(ownId)).toEqual(expect.arrayContaining([helmId]));
    expect(dependsOn(storeId)).toEqual(expect.arrayContaining([helmId]));
    expect(JSON.stringify(store.Properties.Manifest)).toContain(storeRoleId); // the role (and its inline policy) first
    expect(dependsOn(helmId)).toEqual(expect.arrayContaining([roleId, associationId, agentId, nodegroupId]));
    expect(dependsOn(helmId)).not.toContain(storeId);
    expect(ownManifest).toBeDefined();
  });

  test('the kubectl layer from @aws-cdk/lambda-layer-kubectl-v35 is the one the kubectl provider runs with', () => {
    // GIVEN
    const { stack } = podIdentityPlatform({ realLayer: true });
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    const [layerId] = only(template, 'AWS::Lambda::LayerVersion', 'KubectlLayer');
    const [, provider] = only(template, 'AWS::CloudFormation::Stack', 'awscdkawseksKubectlProvider');
    expect(Object.values(provider.Properties.Parameters)).toContainEqual({ Ref: layerId });
  });

  test('the built-in CloudFormation validator finds nothing', () => {
    // GIVEN
    const outdir = tempDir('eso-cdk-out');
    const { stack } = podIdentityPlatform({ realLayer: true, outdir });
    // WHEN
    Template.fromStack(stack);
    // THEN
    expect(fs.existsSync(path.join(outdir, 'TestStack.template.json'))).toBe(true);
    expect(findingsIn(outdir)).toEqual([]);
  });

  test('no warning when the chart reads this operator\'s store', () => {
    // GIVEN
    const { stack } = podIdentityPlatform();
    // WHEN
    const annotations = Annotations.fromStack(stack);
    // THEN
    expect(annotations.findWarning('*', Match.stringLikeRegexp('externalSecretsStore'))).toEqual([]);
  });
});

/** The IRSA tests' stack: the operator in namespace eso, its stores named secrets-manager, secrets in us-west-2. */
function irsaPlatform() {
  const { stack, vpc, cluster } = eksStack();
  const db = new AuroraPostgres(stack, 'rds', { vpc, databaseName: 'orders' });
  const eso = new ExternalSecretsOperator(stack, 'Eso', {
    cluster, identityType: eks.IdentityType.IRSA, namespace: 'eso', secretStoreName: 'secrets-manager', region: 'us-west-2',
  });
  db.grantReadCredentials(eso.forNamespace('orders'));
  return { stack, db, eso };
}

describe('ExternalSecretsOperator with IRSA', () => {
  test('the role trusts the cluster\'s OpenID Connect provider for eso/external-secrets only', () => {
    // GIVEN
    const { stack } = irsaPlatform();
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    const [, role] = only(template, 'AWS::IAM::Role', 'EsoRole');
    const [conditionsId, conditions] = only(template, 'Custom::AWSCDKCfnJson', 'EsoIrsaConditions');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: { Federated: { Ref: expect.stringMatching(/^EksOpenIdConnectProvider/) } },
      Condition: { StringEquals: { 'Fn::GetAtt': [conditionsId, 'Value'] } },
    }]);
    const value = joined(conditions.Properties.Value);
    expect(JSON.parse(value)).toEqual({ '<<issuer>>:aud': 'sts.amazonaws.com', '<<issuer>>:sub': 'system:serviceaccount:eso:external-secrets' });
    expect(template.findResources('AWS::EKS::PodIdentityAssociation')).toEqual({});
  });

  test('the chart annotates its ServiceAccount with the role; the namespace\'s store authenticates with a ServiceAccount of its own', () => {
    // GIVEN
    const { stack } = irsaPlatform();
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    const [roleId] = only(template, 'AWS::IAM::Role', 'EsoRole');
    const [, helm] = only(template, 'Custom::AWSCDK-EKS-HelmChart', 'Eso');
    expect(helm.Properties.Namespace).toBe('eso');
    expect(JSON.parse(joined(helm.Properties.Values))).toEqual({
      installCRDs: true,
      crds: { annotations: { 'helm.sh/resource-policy': 'keep' } },
      serviceAccount: { create: true, name: 'external-secrets', annotations: { 'eks.amazonaws.com/role-arn': `<<GetAtt:${roleId}.Arn>>` } },
    });
    const [, store] = only(template, 'Custom::AWSCDK-EKS-KubernetesResource', 'EsoNamespacesordersManifest');
    const [sa, object] = JSON.parse(joined(store.Properties.Manifest));
    expect(sa.metadata.name).toBe('secrets-manager');
    expect(object.metadata).toEqual(expect.objectContaining({ name: 'secrets-manager', namespace: 'orders' }));
    expect(object.spec.provider.aws).toEqual({
      service: 'SecretsManager', region: 'us-west-2', auth: { jwt: { serviceAccountRef: { name: 'secrets-manager' } } },
    });
    expect(validateWithEsoModels([object])).toEqual([]);
  });

  test('a chart that reads another store gets a warning', () => {
    // GIVEN
    const { stack, db, eso } = irsaPlatform();
    // WHEN
    eso.addChart('orders-db', linkChart(db));
    // THEN
    Annotations.fromStack(stack).hasWarning('/TestStack/Eso', Match.stringLikeRegexp(
      "ExternalSecret 'orders-db-db-links' of chart 'orders-db' reads the SecretStore 'aws-secrets-manager', but this operator's store in each namespace is 'secrets-manager'"));
  });

  test('a chart with an ExternalSecret of an older API version gets a warning', () => {
    // GIVEN
    const { stack, eso } = irsaPlatform();
    const chart = new cdk8s.Chart(new cdk8s.App(), 'legacy');
    new cdk8s.ApiObject(chart, 'es', {
      apiVersion: 'external-secrets.io/v1beta1',
      kind: 'ExternalSecret',
      metadata: { name: 'legacy', namespace: 'legacy' },
      spec: { secretStoreRef: { name: 'secrets-manager', kind: 'SecretStore' } },
    });
    // WHEN
    eso.addChart('legacy', chart);
    // THEN
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/Eso', Match.stringLikeRegexp("ExternalSecret 'legacy'"));
    expect(warnings.map(w => w.entry.data)).toEqual([expect.stringMatching(
      /^ExternalSecret 'legacy' of chart 'legacy' uses external-secrets\.io\/v1beta1; this operator \(chart 2\.9\.0\) serves external-secrets\.io\/v1\. \[ack: cdk-aurora-postgres:externalSecretsStore\]$/)]);
  });
});

describe('secretStoreName (storeName, its deprecated name, still works)', () => {
  test('secretStoreName names each namespace\'s SecretStore and ServiceAccount; storeName reads the same', () => {
    // GIVEN
    const { stack, cluster } = eksStack();
    // WHEN
    const eso = new ExternalSecretsOperator(stack, 'Eso', { cluster, secretStoreName: 'secrets-manager' });
    const store = eso.forNamespace('orders');
    // THEN
    expect([eso.secretStoreName, eso.storeName, store.secretStoreName, store.storeName, store.serviceAccountName]).toEqual(Array(5).fill('secrets-manager'));
  });

  test('the deprecated storeName prop still names the stores', () => {
    // GIVEN
    const { stack, cluster } = eksStack();
    // WHEN
    const eso = new ExternalSecretsOperator(stack, 'Eso', { cluster, storeName: 'secrets-manager' });
    // THEN
    expect([eso.secretStoreName, eso.storeName, eso.forNamespace('orders').secretStoreName]).toEqual(Array(3).fill('secrets-manager'));
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('storeName is deprecated: use secretStoreName'));
  });

  test('secretStoreName: no deprecation warning', () => {
    // GIVEN
    const { stack, cluster } = eksStack();
    // WHEN
    new ExternalSecretsOperator(stack, 'Eso', { cluster, secretStoreName: 'secrets-manager' });
    // THEN
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('deprecated'));
  });

  test('by default the stores are aws-secrets-manager, PostgresLinkChart\'s default secretStoreName', () => {
    // GIVEN
    const { stack, cluster } = eksStack();
    // WHEN
    const eso = new ExternalSecretsOperator(stack, 'Eso', { cluster });
    // THEN
    expect([eso.secretStoreName, eso.storeName]).toEqual(['aws-secrets-manager', 'aws-secrets-manager']);
  });
});

test('an operator in another stack than the cluster: its charts go into its stack, without a dependency cycle', () => {
  // GIVEN
  const { app, stack: clusterStack, cluster } = eksStack();
  const stack = new Stack(app, 'Services', { env: ENV });
  const eso = new ExternalSecretsOperator(stack, 'Eso', { cluster });
  const chart = new cdk8s.Chart(new cdk8s.App(), 'config');
  new cdk8s.ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config', namespace: 'default' } });
  // WHEN
  eso.addChart('config', chart);
  // THEN
  const template = Template.fromStack(stack);
  const [helmId] = only(template, 'Custom::AWSCDK-EKS-HelmChart', 'Eso');
  const [, manifest] = only(template, 'Custom::AWSCDK-EKS-KubernetesResource', 'EsoChartsconfig');
  expect(manifest.DependsOn).toContain(helmId);
  expect(stack.dependencies).toEqual([clusterStack]);
});

describe('cdk-nag AwsSolutions', () => {
  test('no finding on the operator\'s resources (aws-cdk-lib\'s EKS cluster and handlers are out of scope)', () => {
    // GIVEN
    const { app, stack, vpc, cluster } = eksStack();
    const db = new AuroraPostgres(stack, 'rds', { vpc });
    const eso = new ExternalSecretsOperator(stack, 'Eso', { cluster });
    db.grantReadCredentials(eso.forNamespace('orders'));
    // WHEN
    const findings = nagFindings(app);
    // THEN
    // The check ran: aws-cdk-lib's own EKS resources have findings.
    expect(findings.filter(f => f.path.startsWith('TestStack/Eks/')).length).toBeGreaterThan(0);
    expect(findings.filter(f => f.path.startsWith('TestStack/Eso/'))).toEqual([]);
  });
});

test.each(['0.16.0', '1.0.0-rc.1', '10.0.0'])('chart version %s (from 0.16.0 on, pre-releases too) is accepted', chartVersion => {
  // GIVEN
  const { stack, cluster } = eksStack();
  // WHEN
  new ExternalSecretsOperator(stack, 'Eso', { cluster, chartVersion });
  // THEN
  expect(Template.fromStack(stack).findResources('Custom::AWSCDK-EKS-HelmChart', { Properties: { Version: chartVersion } })).not.toEqual({});
});

test('Helm values: replicas with leader election and disruption budgets, resources, a private registry, raw values last', () => {
  // GIVEN
  const { stack, cluster } = eksStack();
  // WHEN
  new ExternalSecretsOperator(stack, 'Eso', {
    cluster,
    replicas: 2,
    resources: { cpuRequest: '50m', memoryRequest: '128Mi', memoryLimit: '256Mi' },
    imageRegistry: '123456789012.dkr.ecr.us-east-1.amazonaws.com/ghcr',
    helmValues: { priorityClassName: 'system-cluster-critical', webhook: { replicaCount: 3 }, crds: { createPushSecret: false } },
  });
  // THEN
  const [, helm] = only(Template.fromStack(stack), 'Custom::AWSCDK-EKS-HelmChart', 'Eso');
  const resources = { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } };
  const image = { repository: '123456789012.dkr.ecr.us-east-1.amazonaws.com/ghcr/external-secrets/external-secrets' };
  const pdb = { enabled: true, minAvailable: 1 };
  expect(JSON.parse(helm.Properties.Values)).toEqual({
    installCRDs: true,
    crds: { annotations: { 'helm.sh/resource-policy': 'keep' }, createPushSecret: false },
    serviceAccount: { create: true, name: 'external-secrets' },
    replicaCount: 2,
    leaderElect: true,
    podDisruptionBudget: pdb,
    resources,
    image,
    webhook: { replicaCount: 3, podDisruptionBudget: pdb, resources, image },
    certController: { resources, image },
    priorityClassName: 'system-cluster-critical',
  });
});

test('one replica: no leader election, no disruption budget (it would block node drains)', () => {
  // GIVEN
  const { stack, cluster } = eksStack();
  // WHEN
  new ExternalSecretsOperator(stack, 'Eso', { cluster, replicas: 1, podDisruptionBudget: false });
  // THEN
  const [, helm] = only(Template.fromStack(stack), 'Custom::AWSCDK-EKS-HelmChart', 'Eso');
  expect(Object.keys(JSON.parse(helm.Properties.Values))).toEqual(['installCRDs', 'crds', 'serviceAccount']);
});

describe('bad input', () => {
  /** A new operator on a new cluster with these props, as a function to pass to expect(...).toThrow. */
  const operator = (props: Partial<ExternalSecretsOperatorProps> = {}) => {
    const { stack, cluster } = eksStack();
    return () => new ExternalSecretsOperator(stack, 'Eso', { cluster, ...props });
  };

  test('a second operator on the same cluster', () => {
    // GIVEN
    const { stack, cluster } = eksStack();
    new ExternalSecretsOperator(stack, 'Eso', { cluster });
    // WHEN
    const second = () => new ExternalSecretsOperator(stack, 'Eso2', { cluster, namespace: 'eso2' });
    // THEN
    expect(second).toThrow(/\[ESO_CLUSTER_TAKEN\] ExternalSecretsOperator at 'TestStack\/Eso2': invalid cluster 'TestStack\/Eks'\. Allowed: a cluster without an External Secrets Operator: this one already has TestStack\/Eso.*Fix: share that operator/);
  });

  test('a second operator on the same cluster imported twice by name', () => {
    // GIVEN
    const { app } = eksStack();
    const imported = (name: string) => {
      const stack = new Stack(app, name, { env: ENV });
      return { stack, cluster: eks.Cluster.fromClusterAttributes(stack, 'Eks', { clusterName: 'shared', kubectlRoleArn: 'arn:aws:iam::123456789012:role/kubectl' }) };
    };
    const first = imported('One');
    new ExternalSecretsOperator(first.stack, 'Eso', { cluster: first.cluster });
    const second = imported('Two');
    // WHEN
    const secondOperator = () => new ExternalSecretsOperator(second.stack, 'Eso', { cluster: second.cluster });
    // THEN
    expect(secondOperator).toThrow(/\[ESO_CLUSTER_TAKEN\] .*invalid cluster 'Two\/Eks'\. Allowed: a cluster without an External Secrets Operator: this one already has One\/Eso/);
  });

  test('an operator whose props were refused does not hold its cluster', () => {
    // GIVEN
    const { stack, cluster } = eksStack();
    expect(() => new ExternalSecretsOperator(stack, 'Refused', { cluster, replicas: 0 })).toThrow(/ESO_REPLICAS/);
    // WHEN
    const eso = new ExternalSecretsOperator(stack, 'Eso', { cluster });
    // THEN
    expect(eso.cluster).toBe(cluster);
  });

  test('replicas that are not a whole number of 1 or more', () => {
    // GIVEN
    const props = { replicas: 0 };
    // WHEN
    const create = operator(props);
    // THEN
    expect(create).toThrow(/\[ESO_REPLICAS\] .*invalid replicas 0\. Allowed: a whole number, 1 or more\. Fix: use e\.g\. 2/);
  });

  test('a disruption budget with one replica', () => {
    // GIVEN
    const props = { podDisruptionBudget: true };
    // WHEN
    const create = operator(props);
    // THEN
    expect(create).toThrow(/\[ESO_PDB_ONE_REPLICA\] .*invalid podDisruptionBudget true\. Allowed: true only with replicas of 2 or more/);
  });

  test('a resource that is not a Kubernetes quantity', () => {
    // GIVEN
    const props = { resources: { memoryRequest: '128MB' } };
    // WHEN
    const create = operator(props);
    // THEN
    expect(create).toThrow(/\[ESO_RESOURCE_QUANTITY\] .*invalid resources\.memoryRequest '128MB'\. Allowed: a Kubernetes quantity/);
  });

  test('an image registry with a scheme', () => {
    // GIVEN
    const props = { imageRegistry: 'https://registry.example.com/' };
    // WHEN
    const create = operator(props);
    // THEN
    expect(create).toThrow(/\[ESO_IMAGE_REGISTRY\] .*invalid imageRegistry 'https:\/\/registry\.example\.com\/'\. Allowed: a registry host, optionally with a port and a path, lower case, without a scheme/);
  });

  test('a chart version that is not MAJOR.MINOR.PATCH', () => {
    // GIVEN
    const props = { chartVersion: 'v2.9.0' };
    // WHEN
    const create = operator(props);
    // THEN
    expect(create).toThrow(/\[ESO_CHART_VERSION_FORMAT\] ExternalSecretsOperator at 'TestStack\/Eso': invalid chartVersion 'v2\.9\.0'\. .*Fix: use e\.g\. '2\.9\.0' \(the default\)$/);
  });

  test('a chart version before 0.16.0, which does not serve external-secrets.io/v1', () => {
    // GIVEN
    const props = { chartVersion: '0.15.1' };
    // WHEN
    const create = operator(props);
    // THEN
    expect(create).toThrow(/\[ESO_CHART_VERSION_TOO_OLD\] .*invalid chartVersion '0\.15\.1'\. Allowed: 0\.16\.0 or later .*Fix: use '2\.9\.0' \(the default\)/);
  });

  test('a namespace that is not a DNS label', () => {
    // GIVEN
    const props = { namespace: 'External_Secrets' };
    // WHEN
    const create = operator(props);
    // THEN
    expect(create).toThrow(/\[ESO_NAMESPACE_NAME\] .*invalid namespace 'External_Secrets'\. Allowed: a DNS-1123 label: .*Fix: use e\.g\. 'external-secrets'/);
  });

  test('a store name that is not a DNS subdomain (the deprecated storeName)', () => {
    // GIVEN
    const props = { storeName: 'AWS Secrets Manager' };
    // WHEN
    const create = operator(props);
    // THEN
    expect(create).toThrow(/\[ESO_SECRET_STORE_NAME\] .*invalid storeName 'AWS Secrets Manager'\. Allowed: a DNS-1123 subdomain: .*Fix: use e\.g\. 'aws-secrets-manager'/);
  });

  test('a secretStoreName that is not a DNS subdomain', () => {
    // GIVEN
    const props = { secretStoreName: 'AWS Secrets Manager' };
    // WHEN
    const create = operator(props);
    // THEN
    expect(create).toThrow(/\[ESO_SECRET_STORE_NAME\] .*invalid secretStoreName 'AWS Secrets Manager'/);
  });

  test('secretStoreName and the deprecated storeName both', () => {
    // GIVEN
    const props = { secretStoreName: 'aws-secrets-manager', storeName: 'aws-secrets-manager' };
    // WHEN
    const create = operator(props);
    // THEN
    expect(create).toThrow(/\[ESO_SECRET_STORE_NAME_TWICE\] .*invalid storeName 'aws-secrets-manager'\. Allowed: secretStoreName or the deprecated storeName, not both/);
  });

  test('EKS Pod Identity on a Fargate cluster', () => {
    // GIVEN
    const { stack, vpc } = testStack({ env: ENV });
    const cluster = new eks.FargateCluster(stack, 'Eks', {
      vpc,
      version: eks.KubernetesVersion.V1_35,
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'KubectlLayer', 'arn:aws:lambda:us-east-1:123456789012:layer:kubectl:1'),
    });
    // WHEN
    const create = () => new ExternalSecretsOperator(stack, 'Eso', { cluster });
    // THEN
    expect(create).toThrow(/\[ESO_POD_IDENTITY_ON_FARGATE\] .*invalid identityType 'POD_IDENTITY'\. Allowed: IdentityType\.IRSA on a Fargate cluster .*Fix: set identityType: eks\.IdentityType\.IRSA/);
  });
});
