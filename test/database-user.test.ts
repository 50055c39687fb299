import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { AuroraPostgres, AuroraPostgresProps, DatabaseAccess, DatabaseLink, DatabaseUser, DatabaseUserOptions, IAuroraPostgres } from '../src';
import { nagFindings, testStack } from './util';

/** Restores and global members must pin their engine version. */
const VERSION = rds.AuroraPostgresEngineVersion.VER_17_9;

const SNAPSHOT = 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:before-migration';
const env = { account: '123456789012', region: 'us-east-1' };

/** A stack with a database `rds` (and the given props). */
function database(dbProps: Partial<AuroraPostgresProps> = {}) {
  const { app, stack, vpc } = testStack({ env });
  const db = new AuroraPostgres(stack, 'rds', { vpc, ...dbProps });
  return { app, stack, vpc, db };
}

/** A database with users added (each user's construct id is its name). */
function withUsers(dbProps: Partial<AuroraPostgresProps>, ...users: DatabaseUserOptions[]) {
  const { app, stack, db } = database(dbProps);
  const added = users.map(u => db.addDatabaseUser(u.username, u));
  return { app, stack, db, users: added };
}

/** The standard case: a READ_WRITE user `orders` in database `orders` of a standard cluster. */
function ordersUser() {
  const { app, stack, db } = database();
  const orders = db.addDatabaseUser('orders', { username: 'orders', databaseName: 'orders' });
  return { app, stack, db, orders };
}

/** Adding one user `user` with these options to a new database with these props. */
function addUser(options: DatabaseUserOptions, dbProps: Partial<AuroraPostgresProps> = {}) {
  const { db } = database(dbProps);
  return () => db.addDatabaseUser('user', options);
}

function logicalIdOf(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.resolve((construct.node.defaultChild as any).logicalId);
}

describe('a READ_WRITE user on a standard cluster', () => {
  test('a custom resource with names and ARNs only, after the cluster, its writer and the master rotation', () => {
    // GIVEN
    const { stack, db } = database();
    // WHEN
    const orders = db.addDatabaseUser('orders', { username: 'orders', databaseName: 'orders' });
    // THEN
    Template.fromStack(stack).hasResource('Custom::PostgresUser', {
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^rdsUserProvisionerProviderframeworkonEvent'), 'Arn'] },
        MasterSecretArn: { Ref: logicalIdOf(stack, db.secret!) },
        UserSecretArn: { Ref: logicalIdOf(stack, orders.secret!) },
        Host: { 'Fn::GetAtt': [Match.stringLikeRegexp('^rdsCluster'), 'Endpoint.Address'] },
        Port: '5432',
        Username: 'orders',
        DatabaseName: 'orders',
        Schemas: ['public'],
        Access: 'READ_WRITE',
        RemovalPolicy: 'retain',
      },
      DependsOn: Match.arrayWith([
        Match.stringLikeRegexp('^rdsCluster[A-F0-9]{8}$'),
        Match.stringLikeRegexp('^rdsClusterWriter'),
        logicalIdOf(stack, orders.secret!),
        Match.stringLikeRegexp('^rdsSecretAttachmentRotationSchedule'),
      ]),
    });
  });

  test('the provisioning function: in the cluster\'s private subnets, admitted by the cluster, reads the master secret and the secrets tagged as this cluster\'s users\'', () => {
    // GIVEN / WHEN
    const { stack, db, orders } = ordersUser();
    // THEN
    const template = Template.fromStack(stack);
    const masterSecret = logicalIdOf(stack, db.secret!);
    template.resourceCountIs('AWS::Lambda::Function', 2); // the function and the provider framework's
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      VpcConfig: {
        SubnetIds: [{ Ref: 'VpcPrivateSubnet1Subnet536B997A' }, { Ref: 'VpcPrivateSubnet2Subnet3788AAA1' }],
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^rdsUserProvisionerSecurityGroup'), 'GroupId'] }],
      },
    });
    const ingress = template.findResources('AWS::EC2::SecurityGroupIngress', {
      Properties: {
        GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^rdsSecurityGroup'), 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^rdsUserProvisionerSecurityGroup'), 'GroupId'] },
        Description: 'PostgreSQL user provisioning function',
      },
    });
    expect(Object.keys(ingress)).toHaveLength(1);
    // The function (and so the custom resource, through the provider framework) waits for the rule.
    template.hasResource('AWS::Lambda::Function', {
      Properties: { VpcConfig: Match.anyValue() },
      DependsOn: Match.arrayWith([Object.keys(ingress)[0]]),
    });
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^rdsUserProvisionerFunctionServiceRole') }] },
    });
    expect(Object.values(policies).map((p: any) => p.Properties.PolicyDocument.Statement)).toEqual([[
      { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: { Ref: masterSecret } },
      {
        Action: 'secretsmanager:GetSecretValue',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':secret:*']] },
        Condition: { StringEquals: { 'secretsmanager:ResourceTag/cdk-aurora-postgres:cluster': { Ref: expect.stringMatching(/^rdsCluster[A-F0-9]{8}$/) } } },
      },
    ]]);
    // The user's secret carries that tag; no statement names it.
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: Match.absent(),
      Tags: [{ Key: 'cdk-aurora-postgres:cluster', Value: { Ref: Match.stringLikeRegexp('^rdsCluster[A-F0-9]{8}$') } }],
    });
    expect(JSON.stringify(Object.values(policies))).not.toContain(logicalIdOf(stack, orders.secret!));
  });

  test('its own secret: username, dbname and masterarn (multi-user rotation needs it), attached to the cluster', () => {
    // GIVEN / WHEN
    const { stack, db } = ordersUser();
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({
        GenerateStringKey: 'password',
        SecretStringTemplate: {
          'Fn::Join': ['', ['{"username":"orders","dbname":"orders","masterarn":"', { Ref: logicalIdOf(stack, db.secret!) }, '"}']],
        },
      }),
    });
    template.hasResourceProperties('AWS::SecretsManager::SecretTargetAttachment', {
      SecretId: { Ref: Match.stringLikeRegexp('^rdsordersSecret') },
      TargetType: 'AWS::RDS::DBCluster',
    });
  });

  test('multi-user rotation every 30 days by the cluster\'s one rotation function, in the VPC, with the master secret, once the role exists', () => {
    // GIVEN / WHEN
    const { stack, db, orders } = ordersUser();
    // THEN
    const template = Template.fromStack(stack);
    template.hasResource('AWS::SecretsManager::RotationSchedule', {
      Properties: {
        SecretId: { Ref: logicalIdOf(stack, orders.secret!) },
        RotationLambdaARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^rdsUserRotation[A-F0-9]{8}$'), 'Outputs.RotationLambdaARN'] },
        RotationRules: { ScheduleExpression: 'rate(30 days)' },
      },
      DependsOn: [Match.stringLikeRegexp('^rdsorders[A-F0-9]{8}$')],
    });
    const apps = template.findResources('AWS::Serverless::Application');
    const app = Object.entries<any>(apps).find(([id]) => id.startsWith('rdsUserRotation'))![1];
    expect(app.Properties.Parameters).toEqual(expect.objectContaining({
      masterSecretArn: { Ref: logicalIdOf(stack, db.secret!) },
      vpcSubnetIds: { 'Fn::Join': ['', [{ Ref: 'VpcPrivateSubnet1Subnet536B997A' }, ',', { Ref: 'VpcPrivateSubnet2Subnet3788AAA1' }]] },
    }));
    const mapping = template.toJSON().Mappings[app.Properties.Location.ApplicationId['Fn::FindInMap'][0]];
    expect(mapping.aws.applicationId).toMatch(/SecretsManagerRDSPostgreSQLRotationMultiUser$/);
  });

  test('the master password rotates too once users exist (nothing in Kubernetes needs it)', () => {
    // GIVEN / WHEN
    const { stack, db } = ordersUser();
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: logicalIdOf(stack, db.secret!) },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
  });

  test('the link reads this user\'s secret (user name included: rotation alternates it), never the master\'s', () => {
    // GIVEN / WHEN
    const { stack, db, orders } = ordersUser();
    // THEN
    expect(stack.resolve(orders.link.secretArn)).toEqual({ Ref: logicalIdOf(stack, orders.secret!) });
    expect(orders.link.username).toBeUndefined();
    expect(orders.link.password).toBeUndefined();
    expect(orders.link.databaseName).toBe('orders');
    expect(orders.link.rotationInterval?.toDays()).toBe(30);
    expect(stack.resolve(orders.link.host)).toEqual(stack.resolve(db.link.host));
    expect(orders.username).toBe('orders');
    expect(orders.access).toBe(DatabaseAccess.READ_WRITE);
  });

  test('two outputs under the user\'s module name (what differs from the cluster), from which and the cluster\'s DatabaseLink.fromCdkOutputs builds the link', () => {
    // GIVEN
    const { stack, orders } = ordersUser();
    const outputs = Template.fromStack(stack).toJSON().Outputs;
    const deployed = { TestStack: Object.fromEntries(Object.keys(outputs).map(k => [k, typeof outputs[k].Value === 'string' ? outputs[k].Value : `value-of-${k}`])) };
    // WHEN
    const link = DatabaseLink.fromCdkOutputs(deployed, 'TestStack', 'rdsOrders');
    // THEN
    expect(Object.keys(outputs).filter(k => k.startsWith('rdsOrders')).sort()).toEqual(['rdsOrdersDbSecretArn', 'rdsOrdersDbUserLink']);
    expect(outputs.rdsOrdersDbSecretArn.Value).toEqual({ Ref: logicalIdOf(stack, orders.secret!) });
    expect(JSON.parse(outputs.rdsOrdersDbUserLink.Value)).toEqual({ cluster: 'rds', stack: 'TestStack', databaseName: 'orders', rotationInterval: 'P30D' });
    // The host, port and reader host are the cluster's, like the user's token link.
    expect(link).toMatchObject({
      host: 'value-of-rdsDbHost',
      readerHost: 'value-of-rdsDbReaderHost',
      port: '5432',
      databaseName: 'orders',
      secretArn: 'value-of-rdsOrdersDbSecretArn',
      username: undefined,
      password: undefined,
    });
    expect(link.rotationInterval?.toDays()).toBe(30); // so a chart built from the outputs file checks its refresh too
    // The cluster's own outputs are unchanged.
    expect(outputs.rdsDbUser.Value).toBe('postgres');
  });

  test('no password anywhere in the template', () => {
    // GIVEN / WHEN
    const { stack, db } = ordersUser();
    // THEN
    const template = Template.fromStack(stack);
    const json = JSON.stringify(template.toJSON());
    expect(JSON.stringify(template.findResources('Custom::PostgresUser'))).not.toMatch(/password/i);
    // The only password-shaped things: generated secrets' key name and the master's dynamic reference.
    for (const match of json.matchAll(/"([^"]*assword[^"]*)":("[^"]*"|\{)/g)) {
      expect(match[1]).toMatch(/^(MasterUserPassword|rdsDbPassword)$/);
    }
    expect(template.toJSON().Resources[logicalIdOf(stack, db.cluster)].Properties.MasterUserPassword['Fn::Join'][1].join(''))
      .toMatch(/^\{\{resolve:secretsmanager:/);
  });

  test('grantReadCredentials: the user\'s secret only', () => {
    // GIVEN
    const { stack, orders } = ordersUser();
    const role = new iam.Role(stack, 'Eso', { assumedBy: new iam.AccountRootPrincipal() });
    // WHEN
    orders.grantReadCredentials(role);
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.resolve((role.node.defaultChild as iam.CfnRole).logicalId) }],
      PolicyDocument: { Statement: [{ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: logicalIdOf(stack, orders.secret!) } }] },
    });
  });
});

describe('options', () => {
  test('users of one cluster share one provisioning function; access, schemas, DESTROY and rotation are theirs', () => {
    // GIVEN / WHEN
    const { stack } = withUsers({},
      { username: 'migrator', access: DatabaseAccess.OWNER, databaseName: 'orders', schemas: ['public', 'sales'], removalPolicy: RemovalPolicy.DESTROY },
      { username: 'reporting', access: DatabaseAccess.READ_ONLY, databaseName: 'orders', rotationInterval: Duration.days(7) });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.resourceCountIs('Custom::PostgresUser', 2);
    // One at a time: the second waits for the first.
    template.hasResource('Custom::PostgresUser', {
      Properties: { Username: 'reporting' },
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^rdsmigrator[A-F0-9]{8}$')]),
    });
    template.hasResourceProperties('Custom::PostgresUser', { Username: 'migrator', Access: 'OWNER', Schemas: ['public', 'sales'], RemovalPolicy: 'destroy' });
    template.hasResourceProperties('Custom::PostgresUser', { Username: 'reporting', Access: 'READ_ONLY' });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(7 days)' } });
  });

  test('new DatabaseUser(scope, id, { database }) is addDatabaseUser: the same resource, its turn after the cluster\'s previous user, the master\'s rotation on', () => {
    // GIVEN
    const { stack, db } = database();
    db.addDatabaseUser('orders', { username: 'orders' });
    // WHEN
    const billing = new DatabaseUser(stack, 'Billing', { database: db, username: 'billing' });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResource('Custom::PostgresUser', {
      Properties: { Username: 'billing', DatabaseName: 'app' },
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^rdsorders[A-F0-9]{8}$'), Match.stringLikeRegexp('^rdsSecretAttachmentRotationSchedule')]),
    });
    template.resourceCountIs('AWS::Serverless::Application', 2); // the master's rotation and the users' one
    expect(billing.moduleName).toBe('rdsBilling');
  });

  test('rotation: false: no rotation for the user, no link interval; master rotation: false stays off', () => {
    // GIVEN / WHEN
    const { stack, users: [u] } = withUsers({ rotation: false }, { username: 'orders', rotation: false });
    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    expect(u.link.rotationInterval).toBeUndefined();
  });

  test('default database: the cluster\'s', () => {
    // GIVEN / WHEN
    const { users: [u] } = withUsers({ databaseName: 'shop' }, { username: 'orders' });
    // THEN
    expect(u.databaseName).toBe('shop');
  });

  test('restored with snapshotUsername and a known database name', () => {
    // GIVEN / WHEN
    const { stack } = withUsers({ restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres', databaseName: 'orders', engineVersion: VERSION }, { username: 'orders' });
    // THEN
    Template.fromStack(stack).hasResourceProperties('Custom::PostgresUser', { Username: 'orders', DatabaseName: 'orders' });
  });

  test('global primary: the user\'s secret has a deterministic name and is replicated; a secondary links through its own endpoint', () => {
    // GIVEN
    const { stack: primaryStack } = withUsers({ createGlobalDatabase: true, globalDatabaseId: 'orders-global', secretReplicaRegions: ['us-west-2'], engineVersion: VERSION }, { username: 'orders' });
    const { stack, vpc } = testStack({ env: { account: '123456789012', region: 'us-west-2' } });
    const secondary = new AuroraPostgres(stack, 'rds', { vpc, existingGlobalDatabaseId: 'orders-global', primarySecretName: 'orders-global-credentials', engineVersion: VERSION });
    // WHEN
    const link = DatabaseUser.linkOnSecondary(secondary, 'orders');
    // THEN
    Template.fromStack(primaryStack).hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'orders-global-orders-credentials',
      ReplicaRegions: [{ Region: 'us-west-2' }],
    });
    expect(link.secretArn).toBe('orders-global-orders-credentials');
    expect(stack.resolve(link.host)).toEqual(stack.resolve(secondary.link.host));
    expect(JSON.stringify(stack.resolve(link.host))).toContain('ReadEndpoint.Address');
    expect(link.username).toBeUndefined();
    expect(link.rotationInterval?.toDays()).toBe(30);
  });

  test('adoptExistingRoles reaches the function only when set (an existing user\'s resource does not change)', () => {
    // GIVEN / WHEN
    const { stack } = withUsers({}, { username: 'orders' }, { username: 'legacy', adoptExistingRoles: true });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::PostgresUser', { Username: 'orders', AdoptExistingRoles: Match.absent() });
    template.hasResourceProperties('Custom::PostgresUser', { Username: 'legacy', AdoptExistingRoles: 'true' });
  });

  test('whole hours and days give rate(N hours) and rate(N days)', () => {
    for (const [interval, expression] of [[Duration.hours(12), 'rate(12 hours)'], [Duration.hours(48), 'rate(2 days)']] as const) {
      // GIVEN / WHEN
      const { stack } = withUsers({}, { username: 'orders', rotationInterval: interval });
      // THEN
      Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        RotationRules: { ScheduleExpression: expression },
      });
    }
  });
});

describe('cdk-nag AwsSolutions', () => {
  test('users of every access level, one without rotation', () => {
    // GIVEN
    const { app, db } = database();
    // WHEN
    db.addDatabaseUser('migrator', { username: 'migrator', access: DatabaseAccess.OWNER });
    db.addDatabaseUser('orders', { username: 'orders' });
    db.addDatabaseUser('reporting', { username: 'reporting', access: DatabaseAccess.READ_ONLY, rotation: false });
    // THEN
    expect(nagFindings(app)).toEqual([]);
  });

  test('global primary with a user', () => {
    // GIVEN
    const { app, db } = database({ createGlobalDatabase: true, globalDatabaseId: 'orders-global', secretReplicaRegions: ['us-west-2'], engineVersion: VERSION });
    // WHEN
    db.addDatabaseUser('orders', { username: 'orders' });
    // THEN
    expect(nagFindings(app)).toEqual([]);
  });
});

describe('bad input', () => {
  test('the master user\'s name', () => {
    // GIVEN
    const add = addUser({ username: 'boss' }, { masterUsername: 'boss' });
    // WHEN / THEN
    expect(add).toThrow(/\[USER_NAME_IS_MASTER\] DatabaseUser at 'TestStack\/rds\/user': invalid username 'boss'/);
  });

  test('reserved or malformed names', () => {
    for (const username of ['rdsadmin', 'rds_anything', 'pg_monitor', 'postgres', 'admin', 'orders_clone', 'orders_owner', 'Orders', 'a'.repeat(58)]) {
      // GIVEN
      const add = addUser({ username });
      // WHEN / THEN
      expect(add).toThrow(new RegExp(`\\[USER_NAME_INVALID\\] .*invalid username '${username}'`));
    }
  });

  test('a name used twice on one cluster', () => {
    // GIVEN
    const { db } = database();
    db.addDatabaseUser('a', { username: 'orders' });
    // WHEN / THEN
    expect(() => db.addDatabaseUser('b', { username: 'orders' })).toThrow(/\[USER_NAME_TAKEN\] .*invalid username 'orders'/);
  });

  test('a name taken through addDatabaseUser is taken for new DatabaseUser too (one list per cluster)', () => {
    // GIVEN
    const { stack, db } = database();
    db.addDatabaseUser('a', { username: 'orders' });
    // WHEN / THEN
    expect(() => new DatabaseUser(stack, 'B', { database: db, username: 'orders' })).toThrow(/\[USER_NAME_TAKEN\]/);
  });

  test('an invalid database name', () => {
    // GIVEN
    const add = addUser({ username: 'orders', databaseName: 'Order-DB' });
    // WHEN / THEN
    expect(add).toThrow(/\[USER_DATABASE_NAME_INVALID\] .*invalid databaseName 'Order-DB'/);
  });

  test('an invalid schema name', () => {
    // GIVEN
    const add = addUser({ username: 'orders', schemas: ['public', 'pg_catalog'] });
    // WHEN / THEN
    expect(add).toThrow(/\[USER_SCHEMAS_INVALID\] .*invalid schemas \["public","pg_catalog"\]/);
  });

  test('on a global secondary', () => {
    // GIVEN
    const add = addUser({ username: 'orders' }, { existingGlobalDatabaseId: 'orders-global', engineVersion: VERSION });
    // WHEN / THEN
    expect(add).toThrow(/\[USERS_ON_GLOBAL_SECONDARY\] .*invalid existingGlobalDatabaseId 'orders-global'/);
  });

  test('on a restore without snapshotUsername', () => {
    // GIVEN
    const add = addUser({ username: 'orders' }, { restoreFromSnapshot: SNAPSHOT, engineVersion: VERSION });
    // WHEN / THEN
    expect(add).toThrow(/\[USERS_WITHOUT_MASTER_CREDENTIALS\] .*missing snapshotUsername/);
  });

  test('on a restore whose database name is unknown, without databaseName', () => {
    // GIVEN
    const add = addUser({ username: 'orders' }, { restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres', engineVersion: VERSION });
    // WHEN / THEN
    expect(add).toThrow(/\[USER_DATABASE_NAME_MISSING\] .*missing databaseName/);
  });

  test('rotationInterval without rotation', () => {
    // GIVEN
    const add = addUser({ username: 'orders', rotation: false, rotationInterval: Duration.days(7) });
    // WHEN / THEN
    expect(add).toThrow(/\[USER_ROTATION_INTERVAL_WITHOUT_ROTATION\] .*invalid rotationInterval '7 days'/);
  });

  test('a rotation interval outside Secrets Manager\'s range', () => {
    // GIVEN
    const tooShort = addUser({ username: 'orders', rotationInterval: Duration.hours(3) });
    const tooLong = addUser({ username: 'orders', rotationInterval: Duration.days(1001) });
    // WHEN / THEN
    expect(tooShort).toThrow(/\[USER_ROTATION_INTERVAL_INVALID\] .*invalid rotationInterval '3 hours'/);
    expect(tooLong).toThrow(/\[USER_ROTATION_INTERVAL_INVALID\] .*invalid rotationInterval '1001 days'/);
  });

  test('a rotation interval Secrets Manager does not schedule: not whole hours below a day, not whole days above', () => {
    // GIVEN: today's code would render these as rate(270 minutes) and rate(25 hours).
    const minutes = addUser({ username: 'orders', rotationInterval: Duration.minutes(270) });
    const hours = addUser({ username: 'orders', rotationInterval: Duration.hours(25) });
    // WHEN / THEN
    expect(minutes).toThrow(/\[USER_ROTATION_INTERVAL_INVALID\] .*invalid rotationInterval '4 hours 30 minutes'/);
    expect(hours).toThrow(/\[USER_ROTATION_INTERVAL_INVALID\] .*invalid rotationInterval '1 day 1 hour'/);
  });

  test('a module name that is not letters and digits', () => {
    // GIVEN
    const add = addUser({ username: 'orders', moduleName: 'orders-db' });
    // WHEN / THEN
    expect(add).toThrow(/\[MODULE_NAME_INVALID\] .*invalid moduleName 'orders-db'/);
  });

  test('a module name already used in the stack', () => {
    // GIVEN
    const add = addUser({ username: 'orders', moduleName: 'rds' });
    // WHEN / THEN
    expect(add).toThrow(/\[USER_MODULE_NAME_TAKEN\] .*invalid moduleName 'rds'/);
  });

  test('a user rotated with alternating users on a database with an RDS Proxy', () => {
    // GIVEN
    const add = addUser({ username: 'orders' }, { proxy: true });
    // WHEN / THEN
    expect(add).toThrow(/\[USER_ROTATION_BEHIND_PROXY\] .*invalid rotation true/);
  });

  test('a password user of a database with an RDS Proxy in another stack', () => {
    // GIVEN
    const { app, db } = database({ proxy: true });
    const service = new Stack(app, 'Orders', { env });
    // WHEN / THEN
    expect(() => new DatabaseUser(service, 'User', { database: db, username: 'orders', rotation: false }))
      .toThrow(/\[USER_PROXY_OTHER_STACK\] .*invalid scope 'Orders'/);
  });

  test('an IAuroraPostgres that is not this library\'s', () => {
    // GIVEN
    const { stack, vpc, db } = database();
    const foreign: IAuroraPostgres = Object.assign(new Construct(stack, 'Foreign'), {
      cluster: db.cluster, connections: db.connections, moduleName: 'foreign', link: db.link, vpc, vpcSubnets: db.vpcSubnets,
    });
    // WHEN / THEN
    expect(() => new DatabaseUser(stack, 'User', { database: foreign, username: 'orders' }))
      .toThrow(/\[USER_DATABASE_UNSUPPORTED\] .*invalid database 'TestStack\/Foreign'/);
  });

  test('every rule runs before any resource: a refused user leaves nothing behind, and its name stays free', () => {
    // GIVEN
    const { stack, db } = database();
    expect(() => db.addDatabaseUser('bad', { username: 'orders', schemas: [] })).toThrow(/\[USER_SCHEMAS_INVALID\]/);
    // WHEN
    db.addDatabaseUser('orders', { username: 'orders' });
    // THEN
    expect(db.node.tryFindChild('bad')?.node.children ?? []).toEqual([]);
    Template.fromStack(stack).resourceCountIs('Custom::PostgresUser', 1);
  });

  test('linkOnSecondary on a cluster that is not a secondary', () => {
    // GIVEN
    const { db } = database();
    // WHEN / THEN
    expect(() => DatabaseUser.linkOnSecondary(db, 'orders')).toThrow(/\[SECONDARY_USER_NOT_ON_SECONDARY\] .*invalid secondary 'TestStack\/rds'/);
  });
});
