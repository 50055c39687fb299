import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AuroraPostgres, AuroraPostgresProps, DatabaseAccess, DatabaseLink, DatabaseUser, DatabaseUserOptions } from '../src';
import { nagFindings, testStack } from './util';

/** Restores and global members must pin their engine version. */
const VERSION = rds.AuroraPostgresEngineVersion.VER_17_9;

const SNAPSHOT = 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:before-migration';
const env = { account: '123456789012', region: 'us-east-1' };

function withUsers(dbProps: Partial<AuroraPostgresProps>, ...users: DatabaseUserOptions[]) {
  const { app, stack, vpc } = testStack({ env });
  const db = new AuroraPostgres(stack, 'rds', { vpc, ...dbProps });
  const added = users.map(u => db.addDatabaseUser(u.username, u));
  return { app, stack, db, users: added, template: Template.fromStack(stack) };
}

function logicalIdOf(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.resolve((construct.node.defaultChild as any).logicalId);
}

describe('a READ_WRITE user on a standard cluster', () => {
  const { stack, db, users: [orders], template } = withUsers({}, { username: 'orders', databaseName: 'orders' });
  const userSecret = logicalIdOf(stack, orders.secret!);
  const masterSecret = logicalIdOf(stack, db.secret!);

  test('a custom resource with names and ARNs only, after the cluster, its writer and the master rotation', () => {
    template.hasResource('Custom::PostgresUser', {
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^rdsUserProvisionerProviderframeworkonEvent'), 'Arn'] },
        MasterSecretArn: { Ref: masterSecret },
        UserSecretArn: { Ref: userSecret },
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
        userSecret,
        Match.stringLikeRegexp('^rdsSecretAttachmentRotationSchedule'),
      ]),
    });
  });

  test('the provisioning function: in the cluster\'s private subnets, admitted by the cluster, reads the master secret and the secrets tagged as this cluster\'s users\'', () => {
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
    expect(JSON.stringify(Object.values(policies))).not.toContain(userSecret);
  });

  test('its own secret: username, dbname and masterarn (multi-user rotation needs it), attached to the cluster', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({
        GenerateStringKey: 'password',
        SecretStringTemplate: {
          'Fn::Join': ['', ['{"username":"orders","dbname":"orders","masterarn":"', { Ref: masterSecret }, '"}']],
        },
      }),
    });
    template.hasResourceProperties('AWS::SecretsManager::SecretTargetAttachment', {
      SecretId: { Ref: Match.stringLikeRegexp('^rdsordersSecret') },
      TargetType: 'AWS::RDS::DBCluster',
    });
  });

  test('multi-user rotation every 30 days by the cluster\'s one rotation function, in the VPC, with the master secret, once the role exists', () => {
    template.hasResource('AWS::SecretsManager::RotationSchedule', {
      Properties: {
        SecretId: { Ref: userSecret },
        RotationLambdaARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^rdsUserRotation[A-F0-9]{8}$'), 'Outputs.RotationLambdaARN'] },
        RotationRules: { ScheduleExpression: 'rate(30 days)' },
      },
      DependsOn: [Match.stringLikeRegexp('^rdsorders[A-F0-9]{8}$')],
    });
    const apps = template.findResources('AWS::Serverless::Application');
    const app = Object.entries<any>(apps).find(([id]) => id.startsWith('rdsUserRotation'))![1];
    expect(app.Properties.Parameters).toEqual(expect.objectContaining({
      masterSecretArn: { Ref: masterSecret },
      vpcSubnetIds: { 'Fn::Join': ['', [{ Ref: 'VpcPrivateSubnet1Subnet536B997A' }, ',', { Ref: 'VpcPrivateSubnet2Subnet3788AAA1' }]] },
    }));
    const mapping = template.toJSON().Mappings[app.Properties.Location.ApplicationId['Fn::FindInMap'][0]];
    expect(mapping.aws.applicationId).toMatch(/SecretsManagerRDSPostgreSQLRotationMultiUser$/);
  });

  test('the master password rotates too once users exist (nothing in Kubernetes needs it)', () => {
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: masterSecret },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
  });

  test('the link reads this user\'s secret (user name included: rotation alternates it), never the master\'s', () => {
    expect(stack.resolve(orders.link.secretArn)).toEqual({ Ref: userSecret });
    expect(orders.link.username).toBeUndefined();
    expect(orders.link.password).toBeUndefined();
    expect(orders.link.databaseName).toBe('orders');
    expect(orders.link.rotationInterval?.toDays()).toBe(30);
    expect(stack.resolve(orders.link.host)).toEqual(stack.resolve(db.link.host));
    expect(orders.username).toBe('orders');
    expect(orders.access).toBe(DatabaseAccess.READ_WRITE);
  });

  test('two outputs under the user\'s module name (what differs from the cluster), from which and the cluster\'s DatabaseLink.fromCdkOutputs builds the link', () => {
    const outputs = template.toJSON().Outputs;
    expect(Object.keys(outputs).filter(k => k.startsWith('rdsOrders')).sort()).toEqual(['rdsOrdersDbSecretArn', 'rdsOrdersDbUserLink']);
    expect(outputs.rdsOrdersDbSecretArn.Value).toEqual({ Ref: userSecret });
    expect(JSON.parse(outputs.rdsOrdersDbUserLink.Value)).toEqual({ cluster: 'rds', stack: 'TestStack', databaseName: 'orders', rotationInterval: 'P30D' });
    const deployed = { TestStack: Object.fromEntries(Object.keys(outputs).map(k => [k, typeof outputs[k].Value === 'string' ? outputs[k].Value : `value-of-${k}`])) };
    const link = DatabaseLink.fromCdkOutputs(deployed, 'TestStack', 'rdsOrders');
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
    const json = JSON.stringify(template.toJSON());
    const resources = template.findResources('Custom::PostgresUser');
    expect(JSON.stringify(resources)).not.toMatch(/password/i);
    // The only password-shaped things: generated secrets' key name and the master's dynamic reference.
    for (const match of json.matchAll(/"([^"]*assword[^"]*)":("[^"]*"|\{)/g)) {
      expect(match[1]).toMatch(/^(MasterUserPassword|rdsDbPassword)$/);
    }
    expect(template.toJSON().Resources[logicalIdOf(stack, db.cluster)].Properties.MasterUserPassword['Fn::Join'][1].join(''))
      .toMatch(/^\{\{resolve:secretsmanager:/);
  });

  test('grantReadCredentials: the user\'s secret only', () => {
    const s = testStack();
    const user = new AuroraPostgres(s.stack, 'rds', { vpc: s.vpc }).addDatabaseUser('orders', { username: 'orders' });
    const role = new iam.Role(s.stack, 'Eso', { assumedBy: new iam.AccountRootPrincipal() });
    user.grantReadCredentials(role);
    Template.fromStack(s.stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: s.stack.resolve((role.node.defaultChild as iam.CfnRole).logicalId) }],
      PolicyDocument: { Statement: [{ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: logicalIdOf(s.stack, user.secret!) } }] },
    });
  });
});

describe('options', () => {
  test('users of one cluster share one provisioning function; access, schemas, DESTROY and rotation are theirs', () => {
    const { template } = withUsers({},
      { username: 'migrator', access: DatabaseAccess.OWNER, databaseName: 'orders', schemas: ['public', 'sales'], removalPolicy: RemovalPolicy.DESTROY },
      { username: 'reporting', access: DatabaseAccess.READ_ONLY, databaseName: 'orders', rotationInterval: Duration.days(7) });
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

  test('rotation: false: no rotation for the user, no link interval; master rotation: false stays off', () => {
    const { users: [u], template } = withUsers({ rotation: false }, { username: 'orders', rotation: false });
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    expect(u.link.rotationInterval).toBeUndefined();
  });

  test('default database: the cluster\'s', () => {
    const { users: [u] } = withUsers({ databaseName: 'shop' }, { username: 'orders' });
    expect(u.databaseName).toBe('shop');
  });

  test('restored with snapshotUsername and a known database name', () => {
    const { template } = withUsers({ restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres', databaseName: 'orders', engineVersion: VERSION }, { username: 'orders' });
    template.hasResourceProperties('Custom::PostgresUser', { Username: 'orders', DatabaseName: 'orders' });
  });

  test('global primary: the user\'s secret has a deterministic name and is replicated; a secondary links through its own endpoint', () => {
    const { template } = withUsers({ createGlobalDatabase: true, globalDatabaseId: 'orders-global', secretReplicaRegions: ['us-west-2'], engineVersion: VERSION }, { username: 'orders' });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'orders-global-orders-credentials',
      ReplicaRegions: [{ Region: 'us-west-2' }],
    });

    const { stack, vpc } = testStack({ env: { account: '123456789012', region: 'us-west-2' } });
    const secondary = new AuroraPostgres(stack, 'rds', { vpc, existingGlobalDatabaseId: 'orders-global', primarySecretName: 'orders-global-credentials', engineVersion: VERSION });
    const link = DatabaseUser.linkOnSecondary(secondary, 'orders');
    expect(link.secretArn).toBe('orders-global-orders-credentials');
    expect(stack.resolve(link.host)).toEqual(stack.resolve(secondary.link.host));
    expect(JSON.stringify(stack.resolve(link.host))).toContain('ReadEndpoint.Address');
    expect(link.username).toBeUndefined();
    expect(link.rotationInterval?.toDays()).toBe(30);
  });
});

describe('cdk-nag AwsSolutions', () => {
  test('users of every access level, one without rotation', () => {
    const { app, stack, vpc } = testStack();
    const db = new AuroraPostgres(stack, 'rds', { vpc });
    db.addDatabaseUser('migrator', { username: 'migrator', access: DatabaseAccess.OWNER });
    db.addDatabaseUser('orders', { username: 'orders' });
    db.addDatabaseUser('reporting', { username: 'reporting', access: DatabaseAccess.READ_ONLY, rotation: false });
    expect(nagFindings(app)).toEqual([]);
  });

  test('global primary with a user', () => {
    const { app, stack, vpc } = testStack({ env });
    const db = new AuroraPostgres(stack, 'rds', { vpc, createGlobalDatabase: true, globalDatabaseId: 'orders-global', secretReplicaRegions: ['us-west-2'], engineVersion: VERSION });
    db.addDatabaseUser('orders', { username: 'orders' });
    expect(nagFindings(app)).toEqual([]);
  });
});

describe('bad input', () => {
  function add(options: DatabaseUserOptions, dbProps: Partial<AuroraPostgresProps> = {}) {
    const { stack, vpc } = testStack({ env });
    const db = new AuroraPostgres(stack, 'rds', { vpc, ...dbProps });
    return db.addDatabaseUser('user', options);
  }

  test('the master user\'s name', () => {
    expect(() => add({ username: 'boss' }, { masterUsername: 'boss' }))
      .toThrow("DatabaseUser at 'TestStack/rds/user': invalid username 'boss'. Allowed: a user other than the master user (boss)");
  });

  test('reserved or malformed names', () => {
    for (const username of ['rdsadmin', 'rds_anything', 'pg_monitor', 'postgres', 'admin', 'orders_clone', 'orders_owner', 'Orders', 'a'.repeat(58)]) {
      expect(() => add({ username })).toThrow(new RegExp(`invalid username '${username}'\\. Allowed: a lowercase letter, then lowercase letters, digits and underscores, 57 characters at most`));
    }
  });

  test('a name used twice on one cluster', () => {
    const { stack, vpc } = testStack();
    const db = new AuroraPostgres(stack, 'rds', { vpc });
    db.addDatabaseUser('a', { username: 'orders' });
    expect(() => db.addDatabaseUser('b', { username: 'orders' }))
      .toThrow("invalid username 'orders'. Allowed: a user name not yet used on this cluster");
  });

  test('an invalid database name', () => {
    expect(() => add({ username: 'orders', databaseName: 'Order-DB' }))
      .toThrow("invalid databaseName 'Order-DB'. Allowed: a lowercase letter, then lowercase letters, digits and underscores, 57 characters at most");
  });

  test('an invalid schema name', () => {
    expect(() => add({ username: 'orders', schemas: ['public', 'pg_catalog'] }))
      .toThrow('invalid schemas ["public","pg_catalog"]. Allowed: one or more distinct schema names');
  });

  test('on a global secondary', () => {
    expect(() => add({ username: 'orders' }, { existingGlobalDatabaseId: 'orders-global', engineVersion: VERSION }))
      .toThrow("invalid existingGlobalDatabaseId 'orders-global'. Allowed: users only on a cluster that can write");
  });

  test('on a restore without snapshotUsername', () => {
    expect(() => add({ username: 'orders' }, { restoreFromSnapshot: SNAPSHOT, engineVersion: VERSION }))
      .toThrow("invalid snapshotUsername 'undefined'. Allowed: users only on a restored cluster whose master credentials this stack knows");
  });

  test('on a restore whose database name is unknown, without databaseName', () => {
    expect(() => add({ username: 'orders' }, { restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres', engineVersion: VERSION }))
      .toThrow("invalid databaseName 'undefined'. Allowed: a database name: this restored cluster's database is the snapshot's");
  });

  test('rotationInterval without rotation', () => {
    expect(() => add({ username: 'orders', rotation: false, rotationInterval: Duration.days(7) }))
      .toThrow("invalid rotationInterval '7 days'. Allowed: only together with rotation");
  });

  test('a rotation interval outside Secrets Manager\'s range', () => {
    const allowed = 'Allowed: whole hours from 4 to 23, or whole days from 1 to 1000';
    expect(() => add({ username: 'orders', rotationInterval: Duration.hours(3) })).toThrow(`invalid rotationInterval '3 hours'. ${allowed}`);
    expect(() => add({ username: 'orders', rotationInterval: Duration.days(1001) })).toThrow(`invalid rotationInterval '1001 days'. ${allowed}`);
  });

  test('a rotation interval Secrets Manager does not schedule: not whole hours below a day, not whole days above', () => {
    // Today's code renders these as rate(270 minutes) and rate(25 hours).
    expect(() => add({ username: 'orders', rotationInterval: Duration.minutes(270) })).toThrow("invalid rotationInterval '4 hours 30 minutes'");
    expect(() => add({ username: 'orders', rotationInterval: Duration.hours(25) })).toThrow("invalid rotationInterval '1 day 1 hour'");
  });

  test('adoptExistingRoles reaches the function only when set (an existing user\'s resource does not change)', () => {
    const { stack, vpc } = testStack();
    const db = new AuroraPostgres(stack, 'rds', { vpc });
    db.addDatabaseUser('orders', { username: 'orders' });
    db.addDatabaseUser('legacy', { username: 'legacy', adoptExistingRoles: true });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('Custom::PostgresUser', { Username: 'orders', AdoptExistingRoles: Match.absent() });
    t.hasResourceProperties('Custom::PostgresUser', { Username: 'legacy', AdoptExistingRoles: 'true' });
  });

  test('whole hours and days give rate(N hours) and rate(N days)', () => {
    for (const [interval, expression] of [[Duration.hours(12), 'rate(12 hours)'], [Duration.hours(48), 'rate(2 days)']] as const) {
      const { stack, vpc } = testStack();
      new AuroraPostgres(stack, 'rds', { vpc }).addDatabaseUser('orders', { username: 'orders', rotationInterval: interval });
      Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        RotationRules: { ScheduleExpression: expression },
      });
    }
  });

  test('a module name that is not letters and digits', () => {
    expect(() => add({ username: 'orders', moduleName: 'orders-db' }))
      .toThrow("invalid moduleName 'orders-db'. Allowed: a letter, then letters and digits");
  });

  test('a module name already used in the stack', () => {
    expect(() => add({ username: 'orders', moduleName: 'rds' }))
      .toThrow("invalid moduleName 'rds'. Allowed: a module name not used by another database or user in the same stack");
  });

  test('linkOnSecondary on a cluster that is not a secondary', () => {
    const { stack, vpc } = testStack();
    const db = new AuroraPostgres(stack, 'rds', { vpc });
    expect(() => DatabaseUser.linkOnSecondary(db, 'orders'))
      .toThrow("invalid secondary 'TestStack/rds'. Allowed: an AuroraPostgres that is a global secondary");
  });
});
