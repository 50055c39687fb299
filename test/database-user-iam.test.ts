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

/** Adding the IAM user `orders` (with these options) to a new database with these props. */
function addIamUser(dbProps: Partial<AuroraPostgresProps> = {}, options: Partial<DatabaseUserOptions> = {}) {
  const { stack, vpc } = testStack({ env });
  const db = new AuroraPostgres(stack, 'rds', { vpc, ...dbProps });
  return () => db.addDatabaseUser('orders', { username: 'orders', databaseName: 'orders', authentication: DatabaseAuthentication.IAM, ...options });
}

const clusterId = (stack: Stack, db: AuroraPostgres) =>
  stack.resolve(((db.cluster as rds.DatabaseCluster).node.defaultChild as rds.CfnDBCluster).logicalId);

describe('an IAM user on a standard cluster', () => {
  test('no secret and no rotation of its own: the only secret is the master\'s', () => {
    // GIVEN / WHEN
    const { stack, user } = iamUser();
    // THEN
    const template = Template.fromStack(stack);
    expect(user.secret).toBeUndefined();
    expect(Object.keys(template.findResources('AWS::SecretsManager::Secret'))).toHaveLength(1);
    template.resourcePropertiesCountIs('AWS::SecretsManager::RotationSchedule', { SecretId: { Ref: Match.stringLikeRegexp('^rdsordersSecret') } }, 0);
  });

  test('the custom resource: Authentication IAM, no user secret', () => {
    // GIVEN / WHEN
    const { stack } = iamUser();
    // THEN
    Template.fromStack(stack).hasResourceProperties('Custom::PostgresUser', {
      Username: 'orders', DatabaseName: 'orders', Access: 'READ_WRITE', Authentication: 'IAM', UserSecretArn: Match.absent(),
    });
  });

  test('grantConnect: rds-db:connect as orders on the cluster resource id, to the pods\' role', () => {
    // GIVEN
    const { stack, db, user, pods } = iamUser();
    // WHEN
    user.grantConnect(pods);
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
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
    // GIVEN / WHEN
    const { user } = iamUser();
    // THEN
    expect(user.link).toMatchObject({ username: 'orders', databaseName: 'orders', region: 'eu-west-1', authentication: DatabaseAuthentication.IAM });
    expect(user.link.secretArn).toBeUndefined();
    expect(user.link.password).toBeUndefined();
    expect(user.link.readsSecret).toBe(false);
  });

  test('outputs: NONE for the secret, the user link with IAM, the user name and region; fromCdkOutputs reads them', () => {
    // GIVEN
    const { stack } = iamUser();
    const outputs = Template.fromStack(stack).toJSON().Outputs;
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
    // WHEN
    const link = DatabaseLink.fromCdkOutputs(file, 'TestStack', 'rdsOrders');
    // THEN
    expect(outputs.rdsOrdersDbSecretArn.Value).toBe('NONE');
    expect(JSON.parse(outputs.rdsOrdersDbUserLink.Value)).toEqual({
      cluster: 'rds', stack: 'TestStack', databaseName: 'orders', authentication: 'IAM', username: 'orders', region: 'eu-west-1',
    });
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
  const IAM_PROXY: Partial<AuroraPostgresProps> = { proxy: true, proxyOptions: { authentication: DatabaseAuthentication.IAM } };

  test('DefaultAuthScheme IAM_AUTH and no secret registered (not even the master\'s)', () => {
    // GIVEN / WHEN
    const { stack } = iamUser(IAM_PROXY);
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::RDS::DBProxy', { DefaultAuthScheme: 'IAM_AUTH', Auth: Match.absent(), RequireTLS: true });
    const proxyPolicies = JSON.stringify(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^rdsProxyRole') }] } }));
    expect(proxyPolicies).not.toMatch(/secretsmanager:GetSecretValue/);
  });

  test('the proxy\'s role may log in to the cluster as the IAM user', () => {
    // GIVEN / WHEN
    const { stack } = iamUser(IAM_PROXY);
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'rds-db:connect', Resource: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^rds'), 'DBClusterResourceId'] }, '/orders'])] } }] },
      Roles: [{ Ref: Match.stringLikeRegexp('^rdsProxyRole') }],
    });
  });

  test('the pods may sign tokens for the proxy (prx- id) and the cluster', () => {
    // GIVEN
    const { stack, user, pods } = iamUser(IAM_PROXY);
    // WHEN
    user.grantConnect(pods);
    // THEN
    const resources = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: stack.resolve((pods.role.node.defaultChild as any).logicalId) }] } });
    const [statement] = (Object.values(resources)[0] as any).Properties.PolicyDocument.Statement;
    expect(statement.Action).toBe('rds-db:connect');
    expect(statement.Resource).toHaveLength(2);
    expect(JSON.stringify(statement.Resource)).toMatch(/"Fn::Select":\[6,\{"Fn::Split":\[":",\{"Fn::GetAtt":\["rdsProxy[0-9A-F]+","DBProxyArn"\]\}\]\}\]\},"\/orders"/);
  });

  test('the link goes to the proxy endpoint, port 5432', () => {
    // GIVEN / WHEN
    const { stack, user } = iamUser(IAM_PROXY);
    // THEN
    expect(stack.resolve(user.link.host)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^rdsProxy/), 'Endpoint'] });
    expect(user.link.port).toBe('5432');
  });
});

describe('bad input', () => {
  test('refuses a PASSWORD user behind a proxy with IAM authentication', () => {
    // GIVEN
    const add = addIamUser({ proxy: true, proxyOptions: { authentication: DatabaseAuthentication.IAM } },
      { authentication: DatabaseAuthentication.PASSWORD, rotation: false });
    // WHEN / THEN
    expect(add).toThrow(/\[USER_PASSWORD_BEHIND_IAM_PROXY\] .*invalid authentication 'PASSWORD'/);
  });

  test('refuses an IAM user behind a proxy that logs in with secrets', () => {
    // GIVEN
    const add = addIamUser({ proxy: true });
    // WHEN / THEN
    expect(add).toThrow(/\[USER_IAM_BEHIND_PASSWORD_PROXY\] .*invalid authentication 'IAM'/);
  });

  test('refuses rotation for an IAM user', () => {
    // GIVEN
    const add = addIamUser({}, { rotation: true });
    // WHEN / THEN
    expect(add).toThrow(/\[USER_IAM_ROTATION\] DatabaseUser at 'TestStack\/rds\/orders': invalid rotation true/);
  });

  test('refuses a rotationInterval for an IAM user', () => {
    // GIVEN
    const add = addIamUser({}, { rotationInterval: Duration.days(7) });
    // WHEN / THEN
    expect(add).toThrow(/\[USER_IAM_ROTATION\] .*invalid rotationInterval '7 days'/);
  });

  test('refuses an IAM user on a cluster with iamAuthentication: false', () => {
    // GIVEN
    const add = addIamUser({ iamAuthentication: false });
    // WHEN / THEN
    expect(add).toThrow(/\[USER_IAM_AUTHENTICATION_OFF\] .*invalid authentication 'IAM'/);
  });

  test('refuses grantConnect on a PASSWORD user', () => {
    // GIVEN
    const { user, pods } = iamUser({}, { authentication: DatabaseAuthentication.PASSWORD });
    // WHEN / THEN
    expect(() => user.grantConnect(pods)).toThrow(/\[USER_GRANT_CONNECT_WITHOUT_IAM\] .*invalid authentication 'PASSWORD'/);
  });

  test('refuses grantReadCredentials on an IAM user', () => {
    // GIVEN
    const { user, pods } = iamUser();
    // WHEN / THEN
    expect(() => user.grantReadCredentials(pods)).toThrow(/\[USER_GRANT_READ_WITHOUT_SECRET\] .*invalid authentication 'IAM'/);
  });

  test('DatabaseLink refuses an IAM link with a secret or without a user', () => {
    // GIVEN
    const values = { host: 'h', databaseName: 'd', region: 'eu-west-1', secretArn: 'arn', authentication: DatabaseAuthentication.IAM };
    // WHEN / THEN
    expect(() => DatabaseLink.fromValues(values)).toThrow(/DatabaseLink: invalid authentication 'IAM with no username and secretArn'/);
  });

  test('refuses an IAM user on an imported cluster (no resource id for rds-db:connect)', () => {
    // GIVEN
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
    // WHEN / THEN
    expect(() => new DatabaseUser(stack, 'Orders', { database: imported, username: 'orders', databaseName: 'orders', authentication: DatabaseAuthentication.IAM }))
      .toThrow(/\[USER_IAM_CLUSTER_RESOURCE_ID_UNKNOWN\] .*invalid authentication 'IAM'/);
  });
});

test('cdk-nag clean: an IAM user granted to a Pod Identity, behind a proxy', () => {
  // GIVEN
  const { app, user, pods } = iamUser({ proxy: true, proxyOptions: { authentication: DatabaseAuthentication.IAM } });
  // WHEN
  user.grantConnect(pods);
  // THEN
  expect(nagFindings(app)).toEqual([]);
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
    // GIVEN
    const { west, secondary, pods } = globalApp();
    const user = DatabaseUser.fromSecondary(secondary, 'orders', { authentication: DatabaseAuthentication.IAM, databaseName: 'orders' });
    // WHEN
    user.grantConnect(pods);
    // THEN
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
    expect(() => user.grantReadCredentials(pods)).toThrow(/\[USER_GRANT_READ_WITHOUT_SECRET\]/);
  });

  test('refuses grantConnect on a password user seen from the secondary', () => {
    // GIVEN
    const { secondary, pods } = globalApp();
    const user = DatabaseUser.fromSecondary(secondary, 'orders');
    // WHEN / THEN
    expect(() => user.grantConnect(pods)).toThrow(/\[USER_GRANT_CONNECT_WITHOUT_IAM\] .*invalid authentication 'PASSWORD'.*Fix: pass authentication: DatabaseAuthentication.IAM and databaseName to fromSecondary/);
  });

  test('refuses an IAM user seen from the secondary without its databaseName', () => {
    // GIVEN
    const { secondary } = globalApp();
    // WHEN / THEN
    expect(() => DatabaseUser.fromSecondary(secondary, 'orders', { authentication: DatabaseAuthentication.IAM }))
      .toThrow(/\[SECONDARY_USER_IAM_DATABASE_NAME_MISSING\] .*missing databaseName/);
  });
});
