import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AuroraPostgres, AuroraPostgresProps, DatabaseAuthentication, DatabaseLink, DatabasePodIdentity, DatabaseUser, DatabaseUserOptions } from '../src';
import { nagFindings, testStack } from './util';

const env = { account: '123456789012', region: 'eu-west-1' };

function iamUser(dbProps: Partial<AuroraPostgresProps> = {}, options: Partial<DatabaseUserOptions> = {}) {
  const { app, stack, vpc } = testStack({ env });
  const db = new AuroraPostgres(stack, 'rds', { vpc, ...dbProps });
  const user = db.addDatabaseUser('orders', { username: 'orders', databaseName: 'orders', authentication: DatabaseAuthentication.IAM, ...options });
  const pods = new DatabasePodIdentity(stack, 'OrdersPods', { clusterName: 'platform', namespace: 'orders', serviceAccount: 'orders-db' });
  return { app, stack, db, user, pods };
}

const clusterId = (stack: Stack, db: AuroraPostgres) =>
  stack.resolve(((db.cluster as rds.DatabaseCluster).node.defaultChild as rds.CfnDBCluster).logicalId);

describe('an IAM user on a standard cluster', () => {
  const { stack, db, user, pods } = iamUser();
  user.grantConnect(pods);
  const template = Template.fromStack(stack);

  test('no secret and no rotation of its own: the only secret is the master\'s', () => {
    expect(user.secret).toBeUndefined();
    expect(Object.keys(template.findResources('AWS::SecretsManager::Secret'))).toHaveLength(1);
    template.resourcePropertiesCountIs('AWS::SecretsManager::RotationSchedule', { SecretId: { Ref: Match.stringLikeRegexp('^rdsordersSecret') } }, 0);
  });

  test('the custom resource: Authentication IAM, no user secret', () => {
    template.hasResourceProperties('Custom::PostgresUser', {
      Username: 'orders', DatabaseName: 'orders', Access: 'READ_WRITE', Authentication: 'IAM', UserSecretArn: Match.absent(),
    });
  });

  test('grantConnect: rds-db:connect as orders on the cluster resource id, to the pods\' role', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: 'rds-db:connect',
          Effect: 'Allow',
          Resource: {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds-db:eu-west-1:123456789012:dbuser:',
              { 'Fn::GetAtt': [clusterId(stack, db), 'DBClusterResourceId'] }, '/orders']],
          },
        }],
      },
      Roles: [{ Ref: stack.resolve((pods.role.node.defaultChild as any).logicalId) }],
    });
  });

  test('the link: user, database, region and IAM; no secret, no password', () => {
    expect(user.link).toMatchObject({ username: 'orders', databaseName: 'orders', region: 'eu-west-1', authentication: DatabaseAuthentication.IAM });
    expect(user.link.secretArn).toBeUndefined();
    expect(user.link.password).toBeUndefined();
    expect(user.link.readsSecret).toBe(false);
  });

  test('outputs: NONE for the secret, the user link with IAM, the user name and region; fromCdkOutputs reads them', () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.rdsOrdersDbSecretArn.Value).toBe('NONE');
    const userLink = JSON.parse(outputs.rdsOrdersDbUserLink.Value);
    expect(userLink).toEqual({
      cluster: 'rds', stack: 'TestStack', databaseName: 'orders', authentication: 'IAM', username: 'orders', region: 'eu-west-1',
    });
    const file = {
      TestStack: {
        rdsOrdersDbSecretArn: 'NONE',
        rdsOrdersDbUserLink: outputs.rdsOrdersDbUserLink.Value,
        rdsDbHost: 'db.cluster-abc.eu-west-1.rds.amazonaws.com',
        rdsDbPort: '5432',
        rdsDbName: 'app',
        rdsDbUser: 'FROM_SECRET',
        rdsDbPassword: 'FROM_SECRET',
        rdsDbSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:master-AbCdEf',
      },
    };
    const link = DatabaseLink.fromCdkOutputs(file, 'TestStack', 'rdsOrders');
    expect(link).toMatchObject({
      host: 'db.cluster-abc.eu-west-1.rds.amazonaws.com',
      port: '5432',
      username: 'orders',
      databaseName: 'orders',
      authentication: DatabaseAuthentication.IAM,
      region: 'eu-west-1',
      secretArn: undefined,
      password: undefined,
    });
  });
});

describe('behind an RDS Proxy with proxyOptions.authentication IAM', () => {
  const { stack, user, pods } = iamUser({ proxy: true, proxyOptions: { authentication: DatabaseAuthentication.IAM } });
  user.grantConnect(pods);
  const template = Template.fromStack(stack);

  test('DefaultAuthScheme IAM_AUTH and no secret registered (not even the master\'s)', () => {
    template.hasResourceProperties('AWS::RDS::DBProxy', { DefaultAuthScheme: 'IAM_AUTH', Auth: Match.absent(), RequireTLS: true });
    const proxyPolicies = JSON.stringify(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^rdsProxyRole') }] } }));
    expect(proxyPolicies).not.toMatch(/secretsmanager:GetSecretValue/);
  });

  test('the proxy\'s role may log in to the cluster as the IAM user', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'rds-db:connect', Resource: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^rds'), 'DBClusterResourceId'] }, '/orders'])] } }] },
      Roles: [{ Ref: Match.stringLikeRegexp('^rdsProxyRole') }],
    });
  });

  test('the pods may sign tokens for the proxy (prx- id) and the cluster', () => {
    const resources = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: stack.resolve((pods.role.node.defaultChild as any).logicalId) }] } });
    const [statement] = (Object.values(resources)[0] as any).Properties.PolicyDocument.Statement;
    expect(statement.Action).toBe('rds-db:connect');
    expect(statement.Resource).toHaveLength(2);
    expect(JSON.stringify(statement.Resource)).toMatch(/"Fn::Select":\[6,\{"Fn::Split":\[":",\{"Fn::GetAtt":\["rdsProxy[0-9A-F]+","DBProxyArn"\]\}\]\}\]\},"\/orders"/);
  });

  test('the link goes to the proxy endpoint, port 5432', () => {
    expect(stack.resolve(user.link.host)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^rdsProxy/), 'Endpoint'] });
    expect(user.link.port).toBe('5432');
  });
});

test('refuses a PASSWORD user behind a proxy with IAM authentication', () => {
  const iamProxy = { proxy: true, proxyOptions: { authentication: DatabaseAuthentication.IAM } };
  expect(() => iamUser(iamProxy, { authentication: DatabaseAuthentication.PASSWORD, rotation: false })).toThrow("invalid authentication 'PASSWORD'. Allowed: only IAM users behind an RDS Proxy with IAM authentication");
});

test('refuses an IAM user behind a proxy that logs in with secrets', () => {
  expect(() => iamUser({ proxy: true })).toThrow(
    "invalid authentication 'IAM'. Allowed: IAM users behind an RDS Proxy only when the proxy authenticates with IAM");
});

test('refuses rotation for an IAM user', () => {
  expect(() => iamUser({}, { rotation: true })).toThrow(
    "DatabaseUser at 'TestStack/rds/orders': invalid rotation true. Allowed: no rotation for an IAM user: it has no password, and each token it signs lives 15 minutes. Fix: drop rotation and rotationInterval, or use DatabaseAuthentication.PASSWORD");
});

test('refuses a rotationInterval for an IAM user', () => {
  expect(() => iamUser({}, { rotationInterval: Duration.days(7) })).toThrow("invalid rotationInterval '7 days'. Allowed: no rotation for an IAM user");
});

test('refuses an IAM user on a cluster with iamAuthentication: false', () => {
  expect(() => iamUser({ iamAuthentication: false })).toThrow(
    "invalid authentication 'IAM'. Allowed: IAM users only on a cluster with IAM database authentication on; this cluster has iamAuthentication: false");
});

test('refuses grantConnect on a PASSWORD user', () => {
  const { user, pods } = iamUser({}, { authentication: DatabaseAuthentication.PASSWORD });
  expect(() => user.grantConnect(pods)).toThrow("invalid authentication 'PASSWORD'. Allowed: grantConnect only for an IAM user");
});

test('refuses grantReadCredentials on an IAM user', () => {
  const { user, pods } = iamUser();
  expect(() => user.grantReadCredentials(pods)).toThrow("invalid authentication 'IAM'. Allowed: grantReadCredentials only for a PASSWORD user: an IAM user has no secret");
});

test('DatabaseLink refuses an IAM link with a secret or without a user', () => {
  expect(() => DatabaseLink.fromValues({ host: 'h', databaseName: 'd', region: 'eu-west-1', secretArn: 'arn', authentication: DatabaseAuthentication.IAM }))
    .toThrow("DatabaseLink: invalid authentication 'IAM with no username and secretArn'. Allowed: IAM links give username, databaseName and region (tokens are signed for a user, in a region), and neither secretArn nor password (nothing secret exists). Fix: give username; drop secretArn");
});

test('cdk-nag clean: an IAM user granted to a Pod Identity, behind a proxy', () => {
  const { app, user, pods } = iamUser({ proxy: true, proxyOptions: { authentication: DatabaseAuthentication.IAM } });
  user.grantConnect(pods);
  expect(nagFindings(app)).toEqual([]);
});

test('refuses an IAM user on an imported cluster (no resource id for rds-db:connect)', () => {
  const { stack, vpc } = testStack({ env });
  const db = new AuroraPostgres(stack, 'rds', { vpc });
  const imported = AuroraPostgres.fromClusterAttributes(stack, 'Imported', {
    clusterIdentifier: 'orders',
    clusterEndpointAddress: 'orders.cluster-abc.eu-west-1.rds.amazonaws.com',
    port: 5432,
    secret: db.secret!,
    securityGroups: [],
    vpc,
    moduleName: 'imported',
  });
  expect(() => new DatabaseUser(stack, 'Orders', { database: imported, username: 'orders', databaseName: 'orders', authentication: DatabaseAuthentication.IAM })).toThrow(
    "invalid authentication 'IAM'. Allowed: IAM users only on a cluster whose resource id (DbClusterResourceId) this app knows");
});

describe('a global database: the IAM user seen from the secondary\'s region', () => {
  const VERSION = rds.AuroraPostgresEngineVersion.VER_17_9;
  function globalApp() {
    const app = new App({ builtinCloudFormationValidation: false });
    const east = new Stack(app, 'East', { env: { account: '123456789012', region: 'us-east-1' } });
    const primary = new AuroraPostgres(east, 'rds', {
      vpc: new ec2.Vpc(east, 'Vpc', { maxAzs: 2, natGateways: 1 }),
      createGlobalDatabase: true,
      globalDatabaseId: 'orders-global',
      secretReplicaRegions: ['us-west-2'],
      engineVersion: VERSION,
    });
    primary.addDatabaseUser('orders', { username: 'orders', databaseName: 'orders', authentication: DatabaseAuthentication.IAM });
    const west = new Stack(app, 'West', { env: { account: '123456789012', region: 'us-west-2' } });
    const secondary = new AuroraPostgres(west, 'rds', {
      vpc: new ec2.Vpc(west, 'Vpc', { maxAzs: 2, natGateways: 1 }),
      existingGlobalDatabaseId: 'orders-global',
      primarySecretName: 'orders-global-credentials',
      engineVersion: VERSION,
    });
    const pods = new DatabasePodIdentity(west, 'OrdersPods', { clusterName: 'west', namespace: 'orders', serviceAccount: 'orders-db' });
    return { west, secondary, pods };
  }

  test('grantConnect: rds-db:connect on the secondary\'s cluster resource id, in its region; an IAM link to its endpoints', () => {
    const { west, secondary, pods } = globalApp();
    const user = DatabaseUser.fromSecondary(secondary, 'orders', { authentication: DatabaseAuthentication.IAM, databaseName: 'orders' });
    user.grantConnect(pods);
    Template.fromStack(west).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: 'rds-db:connect',
          Resource: {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds-db:us-west-2:123456789012:dbuser:',
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^rds'), 'DBClusterResourceId'] }, '/orders']],
          },
        }],
      },
    });
    expect(user.link).toMatchObject({ username: 'orders', databaseName: 'orders', region: 'us-west-2', authentication: DatabaseAuthentication.IAM });
    expect(user.link.secretArn).toBeUndefined();
    expect(() => user.grantReadCredentials(pods)).toThrow("invalid authentication 'IAM'. Allowed: grantReadCredentials only for a PASSWORD user");
  });

  test('refuses grantConnect on a password user seen from the secondary', () => {
    const { secondary, pods } = globalApp();
    expect(() => DatabaseUser.fromSecondary(secondary, 'orders').grantConnect(pods)).toThrow(
      "invalid authentication 'PASSWORD'. Allowed: grantConnect only for an IAM user: pass authentication: DatabaseAuthentication.IAM to fromSecondary");
  });

  test('refuses an IAM user seen from the secondary without its databaseName', () => {
    const { secondary } = globalApp();
    expect(() => DatabaseUser.fromSecondary(secondary, 'orders', { authentication: DatabaseAuthentication.IAM })).toThrow(
      "invalid databaseName 'undefined'. Allowed: the user's database with DatabaseAuthentication.IAM");
  });
});
