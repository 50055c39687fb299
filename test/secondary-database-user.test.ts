import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as cdk8s from 'cdk8s';
import { AuroraPostgres, DatabaseUser, ExternalSecretsOperator, PostgresLinkChart } from '../src';
import { joined, kubernetesObjects, only } from './eso-helpers';
import { nagFindings } from './util';

const VERSION = rds.AuroraPostgresEngineVersion.VER_17_9;
const ACCOUNT = '123456789012';
const GLOBAL_ID = 'orders-global';

/** A primary in us-east-1 with users, a secondary in us-west-2 with its own EKS cluster and operator, in one app. */
function globalApp(options: { replicaRegions?: string[]; secondaryVpcRegion?: string; withPrimary?: boolean } = {}) {
  const app = new App({ builtinCloudFormationValidation: false });
  if (options.withPrimary ?? true) {
    const east = new Stack(app, 'East', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const primary = new AuroraPostgres(east, 'rds', {
      vpc: new ec2.Vpc(east, 'Vpc', { maxAzs: 2, natGateways: 1 }),
      createGlobalDatabase: true,
      globalDatabaseId: GLOBAL_ID,
      secretReplicaRegions: options.replicaRegions ?? ['us-west-2'],
      engineVersion: VERSION,
    });
    primary.addDatabaseUser('orders', { username: 'orders' });
    primary.addDatabaseUser('carts', { username: 'carts' });
  }
  const west = new Stack(app, 'West', { env: { account: ACCOUNT, region: 'us-west-2' } });
  const vpc = options.secondaryVpcRegion
    ? ec2.Vpc.fromVpcAttributes(west, 'Vpc', {
      vpcId: 'vpc-1',
      region: options.secondaryVpcRegion,
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      privateSubnetIds: ['subnet-1', 'subnet-2'],
      publicSubnetIds: ['subnet-3', 'subnet-4'],
      vpcCidrBlock: '10.0.0.0/16',
    })
    : new ec2.Vpc(west, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const secondary = new AuroraPostgres(west, 'rds', {
    vpc, existingGlobalDatabaseId: GLOBAL_ID, primarySecretName: `${GLOBAL_ID}-credentials`, engineVersion: VERSION,
  });
  const cluster = new eks.Cluster(west, 'Eks', {
    vpc: vpc as ec2.Vpc,
    version: eks.KubernetesVersion.V1_35,
    defaultCapacity: 0,
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(west, 'KubectlLayer', `arn:aws:lambda:us-west-2:${ACCOUNT}:layer:kubectl:1`),
  });
  const eso = new ExternalSecretsOperator(west, 'Eso', { cluster });
  return { app, west, secondary, eso };
}

/** IAM's wildcard match (`*` any run, `?` one character) as a regular expression. */
function iamPattern(resource: string): RegExp {
  return new RegExp(`^${resource.split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`);
}

/** The user `orders` seen from the secondary, granted to the namespace's store and linked by a chart through the operator. */
function linkedOrders() {
  const { west, secondary, eso } = globalApp();
  const orders = DatabaseUser.fromSecondary(secondary, 'orders');
  orders.grantReadCredentials(eso.forNamespace('orders'));
  eso.addChart('orders-db', new PostgresLinkChart(new cdk8s.App(), 'orders-db', {
    namespace: 'orders', links: [{ moduleName: 'orders', database: orders.link }], deployThroughEks: true,
  }));
  const template = Template.fromStack(west);
  const [, role] = only(template, 'AWS::IAM::Role', 'EsoNamespacesordersRole');
  const statements = role.Properties.Policies[0].PolicyDocument.Statement;
  return { west, secondary, orders, template, statements };
}

describe('a primary\'s user linked next to the secondary, through the secondary region\'s operator', () => {
  test('the namespace\'s role reads exactly the replica of the user\'s secret in us-west-2 (its 6-character suffix a wildcard)', () => {
    // GIVEN / WHEN
    const { statements } = linkedOrders();
    // THEN
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']);
    expect(joined(statements[0].Resource)).toBe(`arn:<<Ref:AWS::Partition>>:secretsmanager:us-west-2:${ACCOUNT}:secret:orders-global-orders-credentials-??????`);
  });

  test('the wildcard matches the replica\'s ARN and no other user\'s, nor the master\'s', () => {
    // GIVEN
    const { statements } = linkedOrders();
    // WHEN
    const pattern = iamPattern(joined(statements[0].Resource).replace('<<Ref:AWS::Partition>>', 'aws'));
    // THEN
    const arn = (name: string) => `arn:aws:secretsmanager:us-west-2:${ACCOUNT}:secret:${name}`;
    expect(arn('orders-global-orders-credentials-AbC123')).toMatch(pattern);
    for (const other of ['orders-global-carts-credentials-AbC123', 'orders-global-credentials-AbC123', 'orders-global-orders-credentials-x-AbC123',
      'orders-global-orders-credentials-AbC12', 'orders-global-orders-credentials-AbC1234']) {
      expect(arn(other)).not.toMatch(pattern);
    }
    expect(`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:orders-global-orders-credentials-AbC123`).not.toMatch(pattern);
  });

  test('the link: the secondary\'s reader endpoint, the replica by name; the ExternalSecret reads that name from its namespace\'s store', () => {
    // GIVEN / WHEN
    const { west, secondary, orders, template } = linkedOrders();
    // THEN
    expect(orders.username).toBe('orders');
    expect(orders.link.secretArn).toBe('orders-global-orders-credentials');
    expect(west.resolve(orders.link.host)).toEqual(west.resolve(secondary.link.host));
    expect(JSON.stringify(west.resolve(orders.link.host))).toContain('ReadEndpoint.Address');
    const externalSecret = kubernetesObjects(template).map(o => o.object).find(o => o.kind === 'ExternalSecret');
    expect(externalSecret.metadata.namespace).toBe('orders');
    expect(externalSecret.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'aws-secrets-manager' });
    expect(new Set(externalSecret.spec.data.map((d: any) => d.remoteRef.key))).toEqual(new Set(['orders-global-orders-credentials']));
  });

  test('linkOnSecondary is fromSecondary(...).link', () => {
    // GIVEN
    const { west, secondary } = globalApp();
    // WHEN
    const link = DatabaseUser.linkOnSecondary(secondary, 'carts');
    const view = DatabaseUser.fromSecondary(secondary, 'carts');
    // THEN
    expect([link.secretArn, west.resolve(link.host), west.resolve(link.readerHost), link.port, link.rotationInterval?.toDays()])
      .toEqual([view.link.secretArn, west.resolve(view.link.host), west.resolve(view.link.readerHost), view.link.port, 30]);
  });

  test('no warning', () => {
    // GIVEN / WHEN
    const { west } = linkedOrders();
    // THEN
    expect(Annotations.fromStack(west).findWarning('/West/rds', Match.anyValue())).toEqual([]);
  });
});

describe('warnings', () => {
  test('the primary does not replicate its users\' secrets to the secondary\'s region', () => {
    // GIVEN
    const { west, secondary } = globalApp({ replicaRegions: ['eu-west-1'] });
    // WHEN
    DatabaseUser.fromSecondary(secondary, 'orders');
    // THEN
    Annotations.fromStack(west).hasWarning('/West/rds', Match.stringLikeRegexp(
      "The primary's users' secrets are replicated to eu-west-1, not to us-west-2: the replica 'orders-global-orders-credentials' that DatabaseUser.fromSecondary reads will not exist here. Add 'us-west-2' to the primary's secretReplicaRegions."));
  });

  test('no primary in the app: nothing to check against, no warning', () => {
    // GIVEN
    const { west, secondary } = globalApp({ withPrimary: false });
    // WHEN
    DatabaseUser.fromSecondary(secondary, 'anything');
    // THEN
    expect(Annotations.fromStack(west).findWarning('/West/rds', Match.anyValue())).toEqual([]);
  });

  test('the secondary\'s VPC is in another region', () => {
    // GIVEN
    const { secondary } = globalApp({ secondaryVpcRegion: 'us-east-1' });
    // WHEN
    DatabaseUser.fromSecondary(secondary, 'orders');
    // THEN
    const warnings = secondary.node.metadata.filter(m => m.type === 'aws:cdk:warning').map(m => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/^The VPC is in us-east-1, but this secondary is in us-west-2: a cluster lives in its own region's VPC\. Pass a VPC of us-west-2/)]);
  });
});

describe('bad input', () => {
  test('a user name that addDatabaseUser would refuse', () => {
    // GIVEN
    const { secondary } = globalApp();
    // WHEN / THEN
    expect(() => DatabaseUser.fromSecondary(secondary, 'Orders'))
      .toThrow(/\[SECONDARY_USER_NAME_INVALID\] AuroraPostgres at 'West\/rds': invalid username 'Orders'/);
  });

  test('a user the primary (in the same app) does not have fails the synth', () => {
    // GIVEN
    const { app, secondary } = globalApp();
    // WHEN
    DatabaseUser.fromSecondary(secondary, 'payments');
    // THEN
    expect(() => app.synth()).toThrow(/\[SECONDARY_USER_NOT_ON_PRIMARY\] DatabaseUser\.fromSecondary: invalid username 'payments'\. Allowed: a user of the primary \(orders, carts\)/);
  });

  test('a cluster that is not a secondary', () => {
    // GIVEN
    const { app } = globalApp();
    const primary = app.node.findAll().find(c => c instanceof AuroraPostgres && c.node.path === 'East/rds') as AuroraPostgres;
    // WHEN / THEN
    expect(() => DatabaseUser.fromSecondary(primary, 'orders')).toThrow(/\[SECONDARY_USER_NOT_ON_SECONDARY\] .*invalid secondary 'East\/rds'/);
  });
});

test('cdk-nag AwsSolutions: no finding on the secondary region\'s stores', () => {
  // GIVEN
  const { app, secondary, eso } = globalApp();
  // WHEN
  DatabaseUser.fromSecondary(secondary, 'orders').grantReadCredentials(eso.forNamespace('orders'));
  // THEN
  const findings = nagFindings(app);
  expect(findings.filter(f => f.path.startsWith('West/Eks/')).length).toBeGreaterThan(0); // the check ran
  expect(findings.filter(f => f.path.startsWith('West/Eso/') || f.path.startsWith('West/rds/'))).toEqual([]);
});
