// Run-time type checks for JavaScript (and other jsii) callers: the props below are given with the wrong type,
// as plain JavaScript would (`as any`), and each is refused at construct time in the library's words.
import { Duration, Lazy, RemovalPolicy } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AuroraPostgres, DatabaseAccess, DatabaseUser, ExternalSecretsOperator } from '../../src';
import { testStack } from '../util';

describe('AuroraPostgres refuses a wrong run-time type', () => {
  const cases: [string, unknown, RegExp][] = [
    ['multiAz', 'false', /invalid multiAz 'false'\. Allowed: a boolean, true or false, not a string\. Fix: write multiAz: false without quotes/],
    ['engineVersion', '16.4', /invalid engineVersion '16\.4'\. Allowed: an instance of rds\.AuroraPostgresEngineVersion, e\.g\. rds\.AuroraPostgresEngineVersion\.VER_17_9.*not a string/],
    ['instances', '2', /invalid instances '2'\. Allowed: a number, not a string\. Fix: write instances: 2 without quotes/],
    ['backupRetention', 7, /invalid backupRetention 7\. Allowed: an instance of Duration, e\.g\. Duration\.days\(7\), not a number\. Fix: give backupRetention as Duration\.days\(7\)/],
    ['removalPolicy', 'SNAPSHOT', /invalid removalPolicy 'SNAPSHOT'\. Allowed: a member of RemovalPolicy: RemovalPolicy\.DESTROY, .*not a string\. Fix: give removalPolicy as RemovalPolicy\.DESTROY/],
    ['deletionProtection', 'yes', /invalid deletionProtection 'yes'\. Allowed: a boolean/],
    ['rotationInterval', '30 days', /invalid rotationInterval '30 days'\. Allowed: an instance of Duration/],
    ['storageType', 'io-optimized', /invalid storageType 'io-optimized'\. Allowed: a member of rds\.DBClusterStorageType/],
    ['secretReplicaRegions', 'us-west-2', /invalid secretReplicaRegions 'us-west-2'\. Allowed: an array of strings, not a string/],
    ['instanceClass', 4, /invalid instanceClass 4\. Allowed: a string, not a number/],
    ['vpc', 'vpc-123', /invalid vpc 'vpc-123'\. Allowed: an instance of ec2\.IVpc/],
  ];
  test.each(cases)('%s: %j', (prop, value, message) => {
    // GIVEN
    const { stack, vpc } = testStack();
    // WHEN
    const create = () => new AuroraPostgres(stack, 'rds', { vpc, [prop]: value } as any);
    // THEN
    expect(create).toThrow(new RegExp(`^\\[PROP_TYPE_INVALID\\] .*${message.source}`));
  });

  test('the props themselves must be an object', () => {
    // GIVEN
    const { stack } = testStack();
    // WHEN
    const create = () => new AuroraPostgres(stack, 'rds', 'orders' as any);
    // THEN
    expect(create).toThrow(/\[PROPS_NOT_AN_OBJECT\].*invalid props 'orders'\. Allowed: an object of props, not a string/);
  });

  test('the right types, and CDK tokens, pass', () => {
    // GIVEN
    const { stack, vpc } = testStack();
    // WHEN
    const create = () => new AuroraPostgres(stack, 'rds', {
      vpc,
      multiAz: true,
      engineVersion: rds.AuroraPostgresEngineVersion.VER_16_4,
      backupRetention: Duration.days(7),
      removalPolicy: RemovalPolicy.SNAPSHOT,
      storageType: rds.DBClusterStorageType.AURORA_IOPT1,
      port: Lazy.number({ produce: () => 5432 }),
      instanceClass: Lazy.string({ produce: () => 'db.r6g.large' }),
    });
    // THEN
    expect(create).not.toThrow();
  });
});

describe('DatabaseUser refuses a wrong run-time type', () => {
  const cases: [string, unknown, RegExp][] = [
    ['access', 'readonly', /invalid access 'readonly'\. Allowed: a member of DatabaseAccess: DatabaseAccess\.READ_ONLY, DatabaseAccess\.READ_WRITE, DatabaseAccess\.OWNER, not a string/],
    ['rotation', 'false', /invalid rotation 'false'\. Allowed: a boolean.*Fix: write rotation: false without quotes/],
    ['rotationInterval', 30, /invalid rotationInterval 30\. Allowed: an instance of Duration/],
    ['schemas', 'public', /invalid schemas 'public'\. Allowed: an array of strings/],
    ['removalPolicy', 'destroyed', /invalid removalPolicy 'destroyed'\. Allowed: a member of RemovalPolicy/],
  ];
  test.each(cases)('%s: %j', (prop, value, message) => {
    // GIVEN
    const { stack, vpc } = testStack();
    const db = new AuroraPostgres(stack, 'rds', { vpc });
    // WHEN
    const add = () => db.addDatabaseUser('orders', { username: 'orders', [prop]: value } as any);
    // THEN
    expect(add).toThrow(message);
  });

  test('database must be an IAuroraPostgres', () => {
    // GIVEN
    const { stack } = testStack();
    // WHEN
    const create = () => new DatabaseUser(stack, 'User', { database: 'rds', username: 'orders' } as any);
    // THEN
    expect(create).toThrow(/invalid database 'rds'\. Allowed: an instance of IAuroraPostgres/);
  });

  test('the right types pass', () => {
    // GIVEN
    const { stack, vpc } = testStack();
    const db = new AuroraPostgres(stack, 'rds', { vpc });
    // WHEN
    const add = () => db.addDatabaseUser('orders', { username: 'orders', access: DatabaseAccess.READ_ONLY, schemas: ['public'] });
    // THEN
    expect(add).not.toThrow();
  });
});

describe('ExternalSecretsOperator refuses a wrong run-time type', () => {
  function cluster() {
    const { stack, vpc } = testStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const c = new eks.Cluster(stack, 'Eks', {
      vpc,
      version: eks.KubernetesVersion.V1_35,
      defaultCapacity: 0,
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Layer', 'arn:aws:lambda:us-east-1:123456789012:layer:kubectl:1'),
    });
    return { stack, cluster: c };
  }
  test('identityType', () => {
    // GIVEN
    const { stack, cluster: c } = cluster();
    // WHEN
    const create = () => new ExternalSecretsOperator(stack, 'Eso', { cluster: c, identityType: 'irsa' as any });
    // THEN
    expect(create).toThrow(/invalid identityType 'irsa'\. Allowed: a member of eks\.IdentityType: eks\.IdentityType\.IRSA, eks\.IdentityType\.POD_IDENTITY, not a string/);
  });
  test('cluster', () => {
    // GIVEN
    const { stack } = cluster();
    // WHEN
    const create = () => new ExternalSecretsOperator(stack, 'Eso', { cluster: 'orders-eks' as any });
    // THEN
    expect(create).toThrow(/invalid cluster 'orders-eks'\. Allowed: an instance of eks\.ICluster/);
  });
  test('chartVersion', () => {
    // GIVEN
    const { stack, cluster: c } = cluster();
    // WHEN
    const create = () => new ExternalSecretsOperator(stack, 'Eso', { cluster: c, chartVersion: 2.9 as any });
    // THEN
    expect(create).toThrow(/invalid chartVersion 2\.9\. Allowed: a string, not a number/);
  });
});
