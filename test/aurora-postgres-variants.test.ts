import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { NestedStack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AuroraPostgres, AuroraPostgresProps, DatabaseLink } from '../src';
import { nagFindings, testStack } from './util';

const SNAPSHOT = 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:before-migration';
const env = { account: '123456789012', region: 'us-east-1' };

/** The snapshot's version, as a user reads it from describe-db-cluster-snapshots. */
const SNAPSHOT_VERSION = rds.AuroraPostgresEngineVersion.VER_16_6;
/** The version pinned on both sides of a global database. */
const GLOBAL_VERSION = rds.AuroraPostgresEngineVersion.VER_17_9;

/** The props as given, nothing added: for the errors. */
function rawSynth(props: Partial<AuroraPostgresProps>, stackEnv = env) {
  const { app, stack, vpc } = testStack({ env: stackEnv });
  const db = new AuroraPostgres(stack, 'rds', { vpc, ...props });
  return { app, stack, db, template: Template.fromStack(stack) };
}

/** The props with the engine version that restores and global members require, unless the test gives one. */
function synth(props: Partial<AuroraPostgresProps>, stackEnv = env) {
  const global = props.createGlobalDatabase || props.existingGlobalDatabaseId !== undefined;
  const engineVersion = 'engineVersion' in props ? props.engineVersion
    : props.restoreFromSnapshot !== undefined ? SNAPSHOT_VERSION : global ? GLOBAL_VERSION : undefined;
  return rawSynth({ ...props, engineVersion }, stackEnv);
}

function outputs(template: Template): Record<string, unknown> {
  return Object.fromEntries(Object.entries<any>(template.toJSON().Outputs).map(([k, v]) => [k, v.Value]));
}

/** WHEN: a restore without snapshotUsername. */
const restoredWithoutUsername = () => synth({ restoreFromSnapshot: SNAPSHOT });
/** WHEN: a restore with snapshotUsername. */
const restoredWithUsername = () => synth({ restoreFromSnapshot: 'before-migration', snapshotUsername: 'postgres' });
/** WHEN: the primary of a new global database, with the default id. */
const globalPrimary = () => synth({ createGlobalDatabase: true, secretReplicaRegions: ['us-west-2'] });
const westEnv = { account: '123456789012', region: 'us-west-2' };
/** WHEN: a secondary in us-west-2 that reads the primary's replicated secret. */
const globalSecondary = () => synth({ existingGlobalDatabaseId: 'orders-global', primarySecretName: 'orders-global-credentials' }, westEnv);

describe('restore from a snapshot without snapshotUsername', () => {

  test('the cluster is restored; no user, password, database name or secret', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template, db } = restoredWithoutUsername();
    // THEN
    template.hasResource('AWS::RDS::DBCluster', {
      Properties: Match.objectLike({
        SnapshotIdentifier: SNAPSHOT,
        EngineVersion: '16.6', // the snapshot's version, as given
        MasterUsername: Match.absent(),
        MasterUserPassword: Match.absent(),
        DatabaseName: Match.absent(),
        StorageEncrypted: true,
        DeletionProtection: true,
      }),
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(db.secret).toBeUndefined();
  });

  test('user, password and database name are UNKNOWN_SEE_ORIGINAL_DB; the host is real', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template, db } = restoredWithoutUsername();
    // THEN
    const unknown = DatabaseLink.UNKNOWN_SEE_ORIGINAL_DB;
    expect(outputs(template)).toEqual({
      rdsDbHost: { 'Fn::GetAtt': [expect.stringMatching(/^rdsCluster/), 'Endpoint.Address'] },
      rdsDbReaderHost: { 'Fn::GetAtt': [expect.stringMatching(/^rdsCluster/), 'ReadEndpoint.Address'] },
      rdsDbPort: '5432',
      rdsDbName: unknown,
      rdsDbUser: unknown,
      rdsDbPassword: unknown,
      rdsDbSecretArn: DatabaseLink.NO_SECRET,
      rdsEngineVersion: '16.6',
    });
    expect(db.link).toMatchObject({ username: unknown, password: unknown, databaseName: unknown, secretArn: undefined, readsSecret: false });
  });

  test('a synth warning says how to fix it, and CDK\'s misleading warning is acknowledged', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { stack } = restoredWithoutUsername();
    // THEN
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/TestStack/rds', Match.stringLikeRegexp('set snapshotUsername'));
    annotations.hasNoWarning('*', Match.stringLikeRegexp('Generated credentials will not be applied'));
  });
});

describe('restore from a snapshot with snapshotUsername', () => {

  test('a new password is generated and applied; the user name is not sent', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = restoredWithUsername();
    // THEN
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"postgres"}' }),
    });
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      SnapshotIdentifier: 'before-migration',
      MasterUsername: Match.absent(),
      MasterUserPassword: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: Match.stringLikeRegexp('^rdsSecret') }, ':SecretString:password::}}']] },
    });
  });

  test('user and password are known, the database name is UNKNOWN_SEE_ORIGINAL_DB', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template, db } = restoredWithUsername();
    // THEN
    expect(outputs(template)).toMatchObject({
      rdsDbUser: 'postgres',
      rdsDbPassword: DatabaseLink.FROM_SECRET,
      rdsDbName: DatabaseLink.UNKNOWN_SEE_ORIGINAL_DB,
      rdsDbSecretArn: { Ref: expect.stringMatching(/^rdsSecretAttachment/) },
    });
    expect(db.link.secretKeyOf('password')).toBe('password');
  });

  test('a stated databaseName reaches the link and the secret, not the template', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const stated = synth({ restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres', databaseName: 'orders' }).template;
    // THEN
    expect(outputs(stated).rdsDbName).toBe('orders');
    stated.hasResourceProperties('AWS::RDS::DBCluster', { DatabaseName: Match.absent() });
    stated.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"postgres","dbname":"orders"}' }),
    });
  });

  test('rotation is allowed', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres', rotation: true });
    // THEN
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
  });
});

describe('dropping restoreFromSnapshot later', () => {
  test('is a replacement of the cluster, guarded by deletion protection and SNAPSHOT policies', () => {
    // GIVEN a restored cluster
    const before = synth({ restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres' }).template.toJSON();
    // WHEN restoreFromSnapshot is dropped
    const after = synth({ snapshotUsername: undefined }).template.toJSON();
    // THEN
    const diff = fullDiff(before, after);
    const clusterId = Object.keys(before.Resources).find(k => before.Resources[k].Type === 'AWS::RDS::DBCluster')!;
    const change = diff.resources.get(clusterId);
    expect(change.changeImpact).toBe(ResourceImpact.WILL_REPLACE);
    expect(change.propertyUpdates.SnapshotIdentifier.changeImpact).toBe(ResourceImpact.WILL_REPLACE);
    // What protects the data when that replacement is attempted:
    expect(before.Resources[clusterId]).toMatchObject({
      DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot', Properties: { DeletionProtection: true },
    });
    expect(after.Resources[clusterId]).toMatchObject({ UpdateReplacePolicy: 'Snapshot', Properties: { DeletionProtection: true } });
  });
});

describe('dropping existingGlobalDatabaseId later', () => {
  test('does not promote the secondary: it is a replacement by a new, empty cluster', () => {
    // GIVEN a secondary
    const before = globalSecondary().template.toJSON();
    // WHEN existingGlobalDatabaseId is dropped
    const after = synth({}, westEnv).template.toJSON();
    // THEN
    const clusterId = Object.keys(before.Resources).find(k => before.Resources[k].Type === 'AWS::RDS::DBCluster')!;
    expect(fullDiff(before, after).resources.get(clusterId).changeImpact).toBe(ResourceImpact.WILL_REPLACE);
  });
});

describe('global database primary', () => {

  test('a GlobalCluster from this cluster, with a deterministic id and deletion protection', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template, db } = globalPrimary();
    // THEN
    template.hasResourceProperties('AWS::RDS::GlobalCluster', {
      GlobalClusterIdentifier: 'teststack-rds',
      SourceDBClusterIdentifier: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
      DeletionProtection: true,
      Engine: Match.absent(),
      EngineVersion: Match.absent(),
      StorageEncrypted: Match.absent(),
    });
    expect(db.globalClusterIdentifier).toBe('teststack-rds');
    expect(outputs(template).rdsGlobalDatabaseId).toBe('teststack-rds');
  });

  test("the primary's engine version is an output, for the secondary's stack to match", () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = globalPrimary();
    // THEN
    expect(outputs(template).rdsEngineVersion).toBe('17.9');
    template.hasResourceProperties('AWS::RDS::DBCluster', { EngineVersion: '17.9' });
  });

  test('the default instance class is db.r6g.large', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = globalPrimary();
    // THEN
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.r6g.large' });
  });

  test('the credentials secret has a deterministic name, holds dbname, and is replicated', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = globalPrimary();
    // THEN
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'teststack-rds-credentials',
      ReplicaRegions: [{ Region: 'us-west-2' }],
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"postgres","dbname":"app"}' }),
    });
  });

  test('link outputs carry the same keys as the standard variant', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = globalPrimary();
    // THEN
    expect(outputs(template)).toMatchObject({ rdsDbUser: 'postgres', rdsDbName: 'app', rdsDbPassword: DatabaseLink.FROM_SECRET });
  });

  test('the default id is a warning: renaming the stack or moduleName would replace the named global cluster', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { stack } = globalPrimary();
    // THEN
    Annotations.fromStack(stack).hasWarning('/TestStack/rds', Match.stringLikeRegexp(
      "globalDatabaseId is derived from the stack name and moduleName \\('teststack-rds'\\).*Fix: set globalDatabaseId explicitly"));
  });

  test('globalDatabaseId overrides the id and so the secret name, with no warning', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const named = synth({ createGlobalDatabase: true, globalDatabaseId: 'orders-global' });
    // THEN
    named.template.hasResourceProperties('AWS::RDS::GlobalCluster', { GlobalClusterIdentifier: 'orders-global' });
    named.template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'orders-global-credentials' });
    Annotations.fromStack(named.stack).hasNoWarning('*', Match.stringLikeRegexp('globalDatabaseId'));
  });

  test('a restored cluster can be the primary (Opta allowed it)', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const t = synth({ createGlobalDatabase: true, restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres', databaseName: 'orders' }).template;
    // THEN
    t.hasResourceProperties('AWS::RDS::DBCluster', { SnapshotIdentifier: SNAPSHOT, EngineVersion: '16.6' });
    // The secret the secondaries read is complete: user, (generated) password and dbname.
    t.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'teststack-rds-credentials',
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"postgres","dbname":"orders"}', GenerateStringKey: 'password' }),
    });
    t.resourceCountIs('AWS::RDS::GlobalCluster', 1);
  });
});

describe('global database secondary', () => {

  test('joins the global cluster with no user, password or database name, encrypted with a key of its own region', () => {
    // GIVEN a stack in us-west-2 with a VPC
    // WHEN
    const withSecret = globalSecondary();
    // THEN
    withSecret.template.hasResourceProperties('AWS::RDS::DBCluster', {
      GlobalClusterIdentifier: 'orders-global',
      ReplicationSourceIdentifier: Match.absent(),
      MasterUsername: Match.absent(),
      MasterUserPassword: Match.absent(),
      DatabaseName: Match.absent(),
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^rdsKey'), 'Arn'] },
      EngineVersion: '17.9',
    });
    withSecret.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    withSecret.template.resourceCountIs('AWS::SecretsManager::SecretTargetAttachment', 0);
    withSecret.template.resourceCountIs('AWS::RDS::GlobalCluster', 0);
    withSecret.template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.r6g.large' });
    expect(withSecret.db.globalClusterIdentifier).toBe('orders-global');
  });

  test('with primarySecretName the link reads user, password and dbname from the replica; the host is the reader endpoint', () => {
    // GIVEN a stack in us-west-2 with a VPC
    // WHEN
    const withSecret = globalSecondary();
    // THEN
    expect(outputs(withSecret.template)).toEqual({
      rdsDbHost: { 'Fn::GetAtt': [expect.stringMatching(/^rdsCluster/), 'ReadEndpoint.Address'] },
      rdsDbReaderHost: { 'Fn::GetAtt': [expect.stringMatching(/^rdsCluster/), 'ReadEndpoint.Address'] },
      rdsDbPort: '5432',
      rdsDbName: DatabaseLink.FROM_SECRET,
      rdsDbUser: DatabaseLink.FROM_SECRET,
      rdsDbPassword: DatabaseLink.FROM_SECRET,
      rdsDbSecretArn: 'orders-global-credentials',
      rdsEngineVersion: '17.9',
      rdsGlobalDatabaseId: 'orders-global',
    });
    expect(['username', 'password', 'databaseName'].map(f => withSecret.db.link.secretKeyOf(f))).toEqual(['username', 'password', 'dbname']);
  });

  test('grantReadCredentials grants the replica in this region', () => {
    // GIVEN
    const { stack, vpc } = testStack({ env: westEnv });
    const db = new AuroraPostgres(stack, 'rds', { vpc, existingGlobalDatabaseId: 'orders-global', primarySecretName: 'orders-global-credentials', engineVersion: GLOBAL_VERSION });
    // WHEN
    db.grantReadCredentials(new iam.Role(stack, 'Eso', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') }));
    // THEN
    expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy')))
      .toContain(':secretsmanager:us-west-2:123456789012:secret:orders-global-credentials-??????');
  });

  test('without primarySecretName user, password and database name are UNKNOWN_SEE_PRIMARY_DB', () => {
    // GIVEN a stack in us-west-2 with a VPC
    // WHEN
    const { template } = synth({ existingGlobalDatabaseId: 'orders-global' }, westEnv);
    // THEN
    const unknown = DatabaseLink.UNKNOWN_SEE_PRIMARY_DB;
    expect(outputs(template)).toMatchObject({
      rdsDbName: unknown, rdsDbUser: unknown, rdsDbPassword: unknown, rdsDbSecretArn: DatabaseLink.NO_SECRET,
    });
  });
});

describe('requireTls (default true): rds.force_ssl = 1 in the cluster parameter group of every variant', () => {
  test.each<[string, Partial<AuroraPostgresProps>, typeof env, string]>([
    ['standard', {}, env, 'aurora-postgresql17'],
    ['restored', { restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres' }, env, 'aurora-postgresql16'],
    ['global primary', { createGlobalDatabase: true }, env, 'aurora-postgresql17'],
    ['global secondary', { existingGlobalDatabaseId: 'orders-global', primarySecretName: 'orders-global-credentials' }, westEnv, 'aurora-postgresql17'],
    ['serverless', { instanceClass: 'serverless', serverlessV2MinCapacity: 0 }, env, 'aurora-postgresql17'],
  ])('%s', (_, props, stackEnv, family) => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth(props, stackEnv);
    // THEN
    const groups = template.findResources('AWS::RDS::DBClusterParameterGroup');
    expect(Object.values(groups).map(g => g.Properties)).toEqual([
      expect.objectContaining({ Family: family, Parameters: { 'rds.force_ssl': '1' } }),
    ]);
    template.hasResourceProperties('AWS::RDS::DBCluster', { DBClusterParameterGroupName: { Ref: Object.keys(groups)[0] } });
  });

  test('merged with parameters', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ parameters: { 'log_min_duration_statement': '1000', 'rds.force_ssl': '1' } });
    // THEN
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: { 'log_min_duration_statement': '1000', 'rds.force_ssl': '1' } });
  });

  test('requireTls: false writes 0 (the engine default) so that turning it off takes effect', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ requireTls: false, parameters: { log_min_duration_statement: '1000' } });
    // THEN
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: { 'log_min_duration_statement': '1000', 'rds.force_ssl': '0' } });
  });

  test("requireTls true against parameters['rds.force_ssl'] '0'", () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = () => rawSynth({ parameters: { 'rds.force_ssl': '0' } });
    // THEN
    expect(create).toThrow(/\[FORCE_SSL_CONTRADICTS_REQUIRE_TLS\].*'0'.*set requireTls: false instead/);
  });

  test("requireTls false against parameters['rds.force_ssl'] '1'", () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = () => rawSynth({ requireTls: false, parameters: { 'rds.force_ssl': '1' } });
    // THEN
    expect(create).toThrow(/\[FORCE_SSL_CONTRADICTS_REQUIRE_TLS\].*'1' contradicts it/);
  });
});

describe('cdk-nag AwsSolutions on every variant', () => {
  test.each<[string, Partial<AuroraPostgresProps>]>([
    ['restored, credentials unknown', { restoreFromSnapshot: SNAPSHOT }],
    ['restored with snapshotUsername', { restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres' }],
    ['global primary', { createGlobalDatabase: true, secretReplicaRegions: ['us-west-2'], multiAz: true }],
    ['global secondary with the primary secret', { existingGlobalDatabaseId: 'orders-global', primarySecretName: 'orders-global-credentials' }],
    ['global secondary, credentials unknown', { existingGlobalDatabaseId: 'orders-global' }],
  ])('%s: zero findings', (_, props) => {
    // GIVEN a stack with a VPC
    // WHEN
    const { app } = synth(props);
    // THEN
    expect(nagFindings(app)).toEqual([]);
  });
});

describe('variant errors', () => {
  /** WHEN: building an AuroraPostgres with exactly these props (for `toThrow`). */
  const bad = (props: Partial<AuroraPostgresProps>) => () => rawSynth(props);

  test('createGlobalDatabase with existingGlobalDatabaseId', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ createGlobalDatabase: true, existingGlobalDatabaseId: 'g' });
    // THEN
    expect(create).toThrow(/\[GLOBAL_PRIMARY_AND_SECONDARY\].*invalid createGlobalDatabase true/);
  });

  test('restoreFromSnapshot with existingGlobalDatabaseId', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ restoreFromSnapshot: SNAPSHOT, existingGlobalDatabaseId: 'g' });
    // THEN
    expect(create).toThrow(/\[SECONDARY_FROM_SNAPSHOT\].*invalid restoreFromSnapshot/);
  });

  test('databaseName with existingGlobalDatabaseId', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ databaseName: 'app', existingGlobalDatabaseId: 'g' });
    // THEN
    expect(create).toThrow(/\[SECONDARY_WITH_DATABASE_NAME\].*'app'/);
  });

  test('masterUsername with existingGlobalDatabaseId', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ masterUsername: 'u', existingGlobalDatabaseId: 'g' });
    // THEN
    expect(create).toThrow(/\[SECONDARY_WITH_MASTER_USERNAME\].*'u'/);
  });

  test('masterUsername with restoreFromSnapshot', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ masterUsername: 'u', restoreFromSnapshot: SNAPSHOT });
    // THEN
    expect(create).toThrow(/\[SNAPSHOT_WITH_MASTER_USERNAME\].*Fix: use snapshotUsername/);
  });

  test('a burstable class on a global primary', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ createGlobalDatabase: true, engineVersion: GLOBAL_VERSION, instanceClass: 'db.t4g.medium' });
    // THEN
    expect(create).toThrow(/\[INSTANCE_CLASS_BURSTABLE_ON_GLOBAL\].*'db\.t4g\.medium'.*global primary/);
  });

  test('a burstable class on a global secondary', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ existingGlobalDatabaseId: 'g', engineVersion: GLOBAL_VERSION, instanceClass: 'db.t3.medium' });
    // THEN
    expect(create).toThrow(/\[INSTANCE_CLASS_BURSTABLE_ON_GLOBAL\].*'db\.t3\.medium'.*global secondary/);
  });

  test('an instance snapshot ARN', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ restoreFromSnapshot: 'arn:aws:rds:us-east-1:123456789012:snapshot:mydb-snap' });
    // THEN
    expect(create).toThrow(/\[SNAPSHOT_ARN_INVALID\].*this is a DB instance snapshot \(:snapshot:\)/);
  });

  test('an ARN that is not an RDS snapshot', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ restoreFromSnapshot: 'arn:aws:s3:::bucket/snap' });
    // THEN
    expect(create).toThrow(/\[SNAPSHOT_ARN_INVALID\].*'arn:aws:s3:::bucket\/snap'/);
  });

  test('a snapshot in another region than the stack', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ restoreFromSnapshot: 'arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:s' });
    // THEN
    expect(create).toThrow(/\[SNAPSHOT_OTHER_REGION\].*this one is in eu-west-1/);
  });

  test('a malformed snapshot id', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ restoreFromSnapshot: 'my snapshot' });
    // THEN
    expect(create).toThrow(/\[SNAPSHOT_ID_INVALID\].*'my snapshot'/);
  });

  test('an invalid globalDatabaseId', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ createGlobalDatabase: true, globalDatabaseId: 'orders--global' });
    // THEN
    expect(create).toThrow(/\[GLOBAL_ID_INVALID\].*invalid globalDatabaseId 'orders--global'/);
  });

  test('an invalid existingGlobalDatabaseId', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ existingGlobalDatabaseId: '1orders' });
    // THEN
    expect(create).toThrow(/\[GLOBAL_ID_INVALID\].*invalid existingGlobalDatabaseId '1orders'/);
  });

  test('primarySecretName without existingGlobalDatabaseId', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ primarySecretName: 's' });
    // THEN
    expect(create).toThrow(/\[PRIMARY_SECRET_NAME_WITHOUT_SECONDARY\].*'s'/);
  });

  test('an invalid primarySecretName', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ existingGlobalDatabaseId: 'g', primarySecretName: 'bad name' });
    // THEN
    expect(create).toThrow(/\[PRIMARY_SECRET_NAME_INVALID\].*'bad name'/);
  });

  test('secretReplicaRegions without createGlobalDatabase', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ secretReplicaRegions: ['us-west-2'] });
    // THEN
    expect(create).toThrow(/\[SECRET_REPLICA_REGIONS_WITHOUT_PRIMARY\].*\[\"us-west-2\"\]/);
  });

  test('secretReplicaRegions naming the stack\'s own region', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ createGlobalDatabase: true, secretReplicaRegions: ['us-east-1'] });
    // THEN
    expect(create).toThrow(/\[SECRET_REPLICA_REGION_OWN\].*'us-east-1'/);
  });

  test('secretReplicaRegions with a malformed region', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ createGlobalDatabase: true, secretReplicaRegions: ['west'] });
    // THEN
    expect(create).toThrow(/\[SECRET_REPLICA_REGION_INVALID\].*'west'/);
  });

  test('secretReplicaRegions with a duplicate', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ createGlobalDatabase: true, secretReplicaRegions: ['us-west-2', 'us-west-2'] });
    // THEN
    expect(create).toThrow(/\[SECRET_REPLICA_REGIONS_DUPLICATE\]/);
  });

  test('globalDatabaseId without createGlobalDatabase', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ globalDatabaseId: 'g' });
    // THEN
    expect(create).toThrow(/\[GLOBAL_DATABASE_ID_WITHOUT_PRIMARY\].*'g'/);
  });

  test('snapshotUsername without restoreFromSnapshot', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ snapshotUsername: 'postgres' });
    // THEN
    expect(create).toThrow(/\[SNAPSHOT_USERNAME_WITHOUT_SNAPSHOT\].*'postgres'/);
  });

  test('an invalid snapshotUsername', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ restoreFromSnapshot: SNAPSHOT, engineVersion: SNAPSHOT_VERSION, snapshotUsername: 'admin' });
    // THEN
    expect(create).toThrow(/\[MASTER_USERNAME_INVALID\].*invalid snapshotUsername 'admin'/);
  });

  test('rotation on a global secondary', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ existingGlobalDatabaseId: 'g', engineVersion: GLOBAL_VERSION, primarySecretName: 's', rotation: true });
    // THEN
    expect(create).toThrow(/\[ROTATION_WITHOUT_MANAGED_SECRET\].*invalid rotation true/);
  });

  test('rotation on a restore without snapshotUsername', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ restoreFromSnapshot: SNAPSHOT, engineVersion: SNAPSHOT_VERSION, rotation: true });
    // THEN
    expect(create).toThrow(/\[ROTATION_WITHOUT_MANAGED_SECRET\].*invalid rotation true/);
  });

  test('a restore without engineVersion', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres' });
    // THEN
    expect(create).toThrow(/\[SNAPSHOT_WITHOUT_ENGINE_VERSION\].*missing engineVersion.*--db-cluster-snapshot-identifier arn:aws:rds:us-east-1:123456789012:cluster-snapshot:before-migration /);
  });

  test('a global primary restored without snapshotUsername', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ createGlobalDatabase: true, restoreFromSnapshot: SNAPSHOT, engineVersion: SNAPSHOT_VERSION, databaseName: 'orders' });
    // THEN
    expect(create).toThrow(/\[GLOBAL_RESTORE_WITHOUT_SNAPSHOT_USERNAME\].*missing snapshotUsername/);
  });

  test('a global primary restored without databaseName', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ createGlobalDatabase: true, restoreFromSnapshot: SNAPSHOT, engineVersion: SNAPSHOT_VERSION, snapshotUsername: 'postgres' });
    // THEN
    expect(create).toThrow(/\[GLOBAL_RESTORE_WITHOUT_DATABASE_NAME\].*missing databaseName/);
  });

  test('a global member without engineVersion', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ existingGlobalDatabaseId: 'orders-global' });
    // THEN
    expect(create).toThrow(/\[GLOBAL_WITHOUT_ENGINE_VERSION\].*missing engineVersion.*this cluster is a global secondary/);
  });

  test('an upper-case globalDatabaseId', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ createGlobalDatabase: true, engineVersion: GLOBAL_VERSION, globalDatabaseId: 'Orders-Global' });
    // THEN
    expect(create).toThrow(/\[GLOBAL_ID_UPPER_CASE\].*Fix: use 'orders-global' \(the secret is then 'orders-global-credentials'\)/);
  });

  test('an upper-case existingGlobalDatabaseId', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ existingGlobalDatabaseId: 'Orders-Global', engineVersion: GLOBAL_VERSION });
    // THEN
    expect(create).toThrow(/\[GLOBAL_ID_UPPER_CASE\].*invalid existingGlobalDatabaseId 'Orders-Global'.*Fix: use 'orders-global'$/);
  });

  test('a default globalDatabaseId in a stack whose name is not known at synth time', () => {
    // GIVEN
    const { stack, vpc } = testStack({ env });
    const nested = new NestedStack(stack, 'Nested');
    // WHEN
    const create = () => new AuroraPostgres(nested, 'rds', { vpc, createGlobalDatabase: true, engineVersion: GLOBAL_VERSION });
    // THEN
    expect(create).toThrow(/\[GLOBAL_DATABASE_ID_UNKNOWN_STACK_NAME\].*missing globalDatabaseId/);
  });
});

describe('each variant declares what it can do', () => {
  test('a global secondary refuses database users', () => {
    // GIVEN
    const { db } = globalSecondary();
    // WHEN
    const addUser = () => db.addDatabaseUser('orders', { username: 'orders' });
    // THEN
    expect(addUser).toThrow(/\[USERS_ON_GLOBAL_SECONDARY\].*DatabaseUser\.linkOnSecondary/);
  });

  test('a restore without snapshotUsername refuses database users', () => {
    // GIVEN
    const { db } = restoredWithoutUsername();
    // WHEN
    const addUser = () => db.addDatabaseUser('orders', { username: 'orders' });
    // THEN
    expect(addUser).toThrow(/\[USERS_WITHOUT_MASTER_CREDENTIALS\].*missing snapshotUsername/);
  });

  test('a restore with snapshotUsername and a global primary accept database users', () => {
    // GIVEN
    const restored = testStack({ env });
    const restoredDb = new AuroraPostgres(restored.stack, 'rds', {
      vpc: restored.vpc, restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres', engineVersion: SNAPSHOT_VERSION,
    });
    const primary = testStack({ env });
    const primaryDb = new AuroraPostgres(primary.stack, 'rds', { vpc: primary.vpc, createGlobalDatabase: true, engineVersion: GLOBAL_VERSION });
    // WHEN
    restoredDb.addDatabaseUser('orders', { username: 'orders', databaseName: 'app' });
    primaryDb.addDatabaseUser('orders', { username: 'orders' });
    // THEN
    Template.fromStack(restored.stack).resourceCountIs('Custom::PostgresUser', 1);
    Template.fromStack(primary.stack).resourceCountIs('Custom::PostgresUser', 1);
  });
});
