import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
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

describe('restore from a snapshot without snapshotUsername', () => {
  const { template, stack, db } = synth({ restoreFromSnapshot: SNAPSHOT });

  test('the cluster is restored; no user, password, database name or secret', () => {
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
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/TestStack/rds', Match.stringLikeRegexp('set snapshotUsername'));
    annotations.hasNoWarning('*', Match.stringLikeRegexp('Generated credentials will not be applied'));
  });
});

describe('restore from a snapshot with snapshotUsername', () => {
  const { template, db } = synth({ restoreFromSnapshot: 'before-migration', snapshotUsername: 'postgres' });

  test('a new password is generated and applied; the user name is not sent', () => {
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
    expect(outputs(template)).toMatchObject({
      rdsDbUser: 'postgres',
      rdsDbPassword: DatabaseLink.FROM_SECRET,
      rdsDbName: DatabaseLink.UNKNOWN_SEE_ORIGINAL_DB,
      rdsDbSecretArn: { Ref: expect.stringMatching(/^rdsSecretAttachment/) },
    });
    expect(db.link.secretKeyOf('password')).toBe('password');
  });

  test('a stated databaseName reaches the link and the secret, not the template', () => {
    const stated = synth({ restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres', databaseName: 'orders' }).template;
    expect(outputs(stated).rdsDbName).toBe('orders');
    stated.hasResourceProperties('AWS::RDS::DBCluster', { DatabaseName: Match.absent() });
    stated.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"postgres","dbname":"orders"}' }),
    });
  });

  test('rotation is allowed', () => {
    synth({ restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres', rotation: true })
      .template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
  });
});

describe('dropping restoreFromSnapshot later', () => {
  test('is a replacement of the cluster, guarded by deletion protection and SNAPSHOT policies', () => {
    const before = synth({ restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres' }).template.toJSON();
    const after = synth({ snapshotUsername: undefined }).template.toJSON();
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
    const westEnv = { account: '123456789012', region: 'us-west-2' };
    const before = synth({ existingGlobalDatabaseId: 'orders-global', primarySecretName: 'orders-global-credentials' }, westEnv).template.toJSON();
    const after = synth({}, westEnv).template.toJSON();
    const clusterId = Object.keys(before.Resources).find(k => before.Resources[k].Type === 'AWS::RDS::DBCluster')!;
    expect(fullDiff(before, after).resources.get(clusterId).changeImpact).toBe(ResourceImpact.WILL_REPLACE);
  });
});

describe('global database primary', () => {
  const { template, db, stack } = synth({ createGlobalDatabase: true, secretReplicaRegions: ['us-west-2'] });

  test('a GlobalCluster from this cluster, with a deterministic id and deletion protection', () => {
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
    expect(outputs(template).rdsEngineVersion).toBe('17.9');
    template.hasResourceProperties('AWS::RDS::DBCluster', { EngineVersion: '17.9' });
  });

  test('the default instance class is db.r6g.large', () => {
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.r6g.large' });
  });

  test('the credentials secret has a deterministic name, holds dbname, and is replicated', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'teststack-rds-credentials',
      ReplicaRegions: [{ Region: 'us-west-2' }],
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"postgres","dbname":"app"}' }),
    });
  });

  test('link outputs carry the same keys as the standard variant', () => {
    expect(outputs(template)).toMatchObject({ rdsDbUser: 'postgres', rdsDbName: 'app', rdsDbPassword: DatabaseLink.FROM_SECRET });
  });

  test('the default id is a warning: renaming the stack or moduleName would replace the named global cluster', () => {
    Annotations.fromStack(stack).hasWarning('/TestStack/rds', Match.stringLikeRegexp(
      "globalDatabaseId is derived from the stack name and moduleName \\('teststack-rds'\\).*Fix: set globalDatabaseId explicitly"));
  });

  test('globalDatabaseId overrides the id and so the secret name, with no warning', () => {
    const named = synth({ createGlobalDatabase: true, globalDatabaseId: 'orders-global' });
    named.template.hasResourceProperties('AWS::RDS::GlobalCluster', { GlobalClusterIdentifier: 'orders-global' });
    named.template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'orders-global-credentials' });
    Annotations.fromStack(named.stack).hasNoWarning('*', Match.stringLikeRegexp('globalDatabaseId'));
  });

  test('a restored cluster can be the primary (Opta allowed it)', () => {
    const t = synth({ createGlobalDatabase: true, restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres', databaseName: 'orders' }).template;
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
  const westEnv = { account: '123456789012', region: 'us-west-2' };
  const withSecret = synth({ existingGlobalDatabaseId: 'orders-global', primarySecretName: 'orders-global-credentials' }, westEnv);

  test('joins the global cluster with no user, password or database name, encrypted with a key of its own region', () => {
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
    const { stack, vpc } = testStack({ env: westEnv });
    const db = new AuroraPostgres(stack, 'rds', { vpc, existingGlobalDatabaseId: 'orders-global', primarySecretName: 'orders-global-credentials', engineVersion: GLOBAL_VERSION });
    db.grantReadCredentials(new iam.Role(stack, 'Eso', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') }));
    expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy')))
      .toContain(':secretsmanager:us-west-2:123456789012:secret:orders-global-credentials-??????');
  });

  test('without primarySecretName user, password and database name are UNKNOWN_SEE_PRIMARY_DB', () => {
    const { template } = synth({ existingGlobalDatabaseId: 'orders-global' }, westEnv);
    const unknown = DatabaseLink.UNKNOWN_SEE_PRIMARY_DB;
    expect(outputs(template)).toMatchObject({
      rdsDbName: unknown, rdsDbUser: unknown, rdsDbPassword: unknown, rdsDbSecretArn: DatabaseLink.NO_SECRET,
    });
  });
});

describe('requireTls (default true): rds.force_ssl = 1 in the cluster parameter group of every variant', () => {
  const westEnv = { account: '123456789012', region: 'us-west-2' };
  test.each<[string, Partial<AuroraPostgresProps>, typeof env, string]>([
    ['standard', {}, env, 'aurora-postgresql17'],
    ['restored', { restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres' }, env, 'aurora-postgresql16'],
    ['global primary', { createGlobalDatabase: true }, env, 'aurora-postgresql17'],
    ['global secondary', { existingGlobalDatabaseId: 'orders-global', primarySecretName: 'orders-global-credentials' }, westEnv, 'aurora-postgresql17'],
    ['serverless', { instanceClass: 'serverless', serverlessV2MinCapacity: 0 }, env, 'aurora-postgresql17'],
  ])('%s', (_, props, stackEnv, family) => {
    const { template } = synth(props, stackEnv);
    const groups = template.findResources('AWS::RDS::DBClusterParameterGroup');
    expect(Object.values(groups).map(g => g.Properties)).toEqual([
      expect.objectContaining({ Family: family, Parameters: { 'rds.force_ssl': '1' } }),
    ]);
    template.hasResourceProperties('AWS::RDS::DBCluster', { DBClusterParameterGroupName: { Ref: Object.keys(groups)[0] } });
  });

  test('merged with parameters', () => {
    synth({ parameters: { 'log_min_duration_statement': '1000', 'rds.force_ssl': '1' } }).template
      .hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: { 'log_min_duration_statement': '1000', 'rds.force_ssl': '1' } });
  });

  test('requireTls: false writes 0 (the engine default) so that turning it off takes effect', () => {
    synth({ requireTls: false, parameters: { log_min_duration_statement: '1000' } }).template
      .hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: { 'log_min_duration_statement': '1000', 'rds.force_ssl': '0' } });
  });

  test("requireTls true against parameters['rds.force_ssl'] '0'", () => {
    expect(() => rawSynth({ parameters: { 'rds.force_ssl': '0' } })).toThrow(
      /invalid parameters\['rds\.force_ssl'\] '0'\. Allowed: '1' or nothing while requireTls is true \(the default\), which sets rds\.force_ssl to 1.*Fix: drop parameters\['rds\.force_ssl'\]; to accept connections without TLS \(local development only\), set requireTls: false instead/);
  });

  test("requireTls false against parameters['rds.force_ssl'] '1'", () => {
    expect(() => rawSynth({ requireTls: false, parameters: { 'rds.force_ssl': '1' } })).toThrow(
      /invalid parameters\['rds\.force_ssl'\] '1'\. Allowed: '0' or nothing with requireTls: false, which accepts connections without TLS; '1' contradicts it\. Fix: drop parameters\['rds\.force_ssl'\] and drop requireTls: false/);
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
    expect(nagFindings(synth(props).app)).toEqual([]);
  });
});

describe('variant errors', () => {
  const bad = (props: Partial<AuroraPostgresProps>) => () => rawSynth(props);

  test('createGlobalDatabase with existingGlobalDatabaseId', () => {
    expect(bad({ createGlobalDatabase: true, existingGlobalDatabaseId: 'g' })).toThrow(/invalid createGlobalDatabase true\. Allowed: not together with existingGlobalDatabaseId/);
  });
  test('restoreFromSnapshot with existingGlobalDatabaseId', () => {
    expect(bad({ restoreFromSnapshot: SNAPSHOT, existingGlobalDatabaseId: 'g' })).toThrow(/invalid restoreFromSnapshot .*not together with existingGlobalDatabaseId/);
  });
  test('databaseName with existingGlobalDatabaseId', () => {
    expect(bad({ databaseName: 'app', existingGlobalDatabaseId: 'g' })).toThrow(/invalid databaseName 'app'\. Allowed: not together with existingGlobalDatabaseId/);
  });
  test('masterUsername with existingGlobalDatabaseId', () => {
    expect(bad({ masterUsername: 'u', existingGlobalDatabaseId: 'g' })).toThrow(/invalid masterUsername 'u'\. Allowed: not together with existingGlobalDatabaseId/);
  });
  test('masterUsername with restoreFromSnapshot', () => {
    expect(bad({ masterUsername: 'u', restoreFromSnapshot: SNAPSHOT })).toThrow(/invalid masterUsername 'u'\. Allowed: not together with restoreFromSnapshot.*Fix: use snapshotUsername/);
  });
  test('a burstable class on a global primary', () => {
    expect(bad({ createGlobalDatabase: true, engineVersion: GLOBAL_VERSION, instanceClass: 'db.t4g.medium' })).toThrow(/invalid instanceClass 'db\.t4g\.medium'.*does not support burstable.*global primary/);
  });
  test('a burstable class on a global secondary', () => {
    expect(bad({ existingGlobalDatabaseId: 'g', engineVersion: GLOBAL_VERSION, instanceClass: 'db.t3.medium' })).toThrow(/invalid instanceClass 'db\.t3\.medium'.*global secondary/);
  });
  test('an instance snapshot ARN', () => {
    expect(bad({ restoreFromSnapshot: 'arn:aws:rds:us-east-1:123456789012:snapshot:mydb-snap' }))
      .toThrow(/invalid restoreFromSnapshot .*Fix: this is a DB instance snapshot \(:snapshot:\)/);
  });
  test('an ARN that is not an RDS snapshot', () => {
    expect(bad({ restoreFromSnapshot: 'arn:aws:s3:::bucket/snap' })).toThrow(/invalid restoreFromSnapshot 'arn:aws:s3:::bucket\/snap'.*cluster-snapshot/);
  });
  test('a snapshot in another region than the stack', () => {
    expect(bad({ restoreFromSnapshot: 'arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:s' }))
      .toThrow(/a cluster snapshot in this stack's region \(us-east-1\); this one is in eu-west-1\. Fix: copy it to us-east-1 first/);
  });
  test('a malformed snapshot id', () => {
    expect(bad({ restoreFromSnapshot: 'my snapshot' })).toThrow(/invalid restoreFromSnapshot 'my snapshot'/);
  });
  test('an invalid globalDatabaseId', () => {
    expect(bad({ createGlobalDatabase: true, globalDatabaseId: 'orders--global' })).toThrow(/invalid globalDatabaseId 'orders--global'/);
  });
  test('an invalid existingGlobalDatabaseId', () => {
    expect(bad({ existingGlobalDatabaseId: '1orders' })).toThrow(/invalid existingGlobalDatabaseId '1orders'/);
  });
  test('primarySecretName without existingGlobalDatabaseId', () => {
    expect(bad({ primarySecretName: 's' })).toThrow(/invalid primarySecretName 's'\. Allowed: only on a global secondary/);
  });
  test('an invalid primarySecretName', () => {
    expect(bad({ existingGlobalDatabaseId: 'g', primarySecretName: 'bad name' })).toThrow(/invalid primarySecretName 'bad name'\. Allowed: a Secrets Manager secret name/);
  });
  test('secretReplicaRegions without createGlobalDatabase', () => {
    expect(bad({ secretReplicaRegions: ['us-west-2'] })).toThrow(/invalid secretReplicaRegions \["us-west-2"\]\. Allowed: only on a global primary/);
  });
  test('secretReplicaRegions naming the stack\'s own region', () => {
    expect(bad({ createGlobalDatabase: true, secretReplicaRegions: ['us-east-1'] })).toThrow(/invalid secretReplicaRegions 'us-east-1'\. Allowed: regions other than this stack's own/);
  });
  test('secretReplicaRegions with a malformed region', () => {
    expect(bad({ createGlobalDatabase: true, secretReplicaRegions: ['west'] })).toThrow(/invalid secretReplicaRegions 'west'/);
  });
  test('secretReplicaRegions with a duplicate', () => {
    expect(bad({ createGlobalDatabase: true, secretReplicaRegions: ['us-west-2', 'us-west-2'] })).toThrow(/Allowed: each region once/);
  });
  test('globalDatabaseId without createGlobalDatabase', () => {
    expect(bad({ globalDatabaseId: 'g' })).toThrow(/invalid globalDatabaseId 'g'\. Allowed: only on a global primary/);
  });
  test('snapshotUsername without restoreFromSnapshot', () => {
    expect(bad({ snapshotUsername: 'postgres' })).toThrow(/invalid snapshotUsername 'postgres'\. Allowed: only together with restoreFromSnapshot/);
  });
  test('an invalid snapshotUsername', () => {
    expect(bad({ restoreFromSnapshot: SNAPSHOT, engineVersion: SNAPSHOT_VERSION, snapshotUsername: 'admin' })).toThrow(/invalid snapshotUsername 'admin'/);
  });
  test('rotation on a global secondary', () => {
    expect(bad({ existingGlobalDatabaseId: 'g', engineVersion: GLOBAL_VERSION, primarySecretName: 's', rotation: true })).toThrow(/invalid rotation true/);
  });
  test('rotation on a restore without snapshotUsername', () => {
    expect(bad({ restoreFromSnapshot: SNAPSHOT, engineVersion: SNAPSHOT_VERSION, rotation: true })).toThrow(/invalid rotation true/);
  });
  test('a restore without engineVersion', () => {
    expect(bad({ restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres' })).toThrow(new RegExp(
      "invalid engineVersion 'undefined'\\. Allowed: an explicit engine version with restoreFromSnapshot: the restore request carries EngineVersion.*"
      + 'Fix: read it with `aws rds describe-db-cluster-snapshots --db-cluster-snapshot-identifier arn:aws:rds:us-east-1:123456789012:cluster-snapshot:before-migration '
      + "--query 'DBClusterSnapshots\\[0\\]\\.EngineVersion'` and pass it"));
  });
  test('a global primary restored without snapshotUsername', () => {
    expect(bad({ createGlobalDatabase: true, restoreFromSnapshot: SNAPSHOT, engineVersion: SNAPSHOT_VERSION, databaseName: 'orders' }))
      .toThrow(/invalid snapshotUsername 'undefined'\. Allowed: the snapshot's master user name, required with createGlobalDatabase and restoreFromSnapshot: without it no credentials secret is created, so <globalDatabaseId>-credentials never exists and the secondaries' ExternalSecrets \(primarySecretName\) fail at run time\. Fix: set snapshotUsername/);
  });
  test('a global primary restored without databaseName', () => {
    expect(bad({ createGlobalDatabase: true, restoreFromSnapshot: SNAPSHOT, engineVersion: SNAPSHOT_VERSION, snapshotUsername: 'postgres' }))
      .toThrow(/invalid databaseName 'undefined'\. Allowed: the snapshot's database name, required with createGlobalDatabase and restoreFromSnapshot: .*the replicated secret has no dbname key.*Fix: set databaseName to the database in the snapshot/);
  });
  test('a global member without engineVersion', () => {
    expect(bad({ existingGlobalDatabaseId: 'orders-global' }))
      .toThrow(/invalid engineVersion 'undefined'\. Allowed: an explicit engine version on a member of an Aurora Global Database \(this cluster is a global secondary\).*Fix: pin the same version on both sides.*<moduleName>EngineVersion output/);
  });
  test('an upper-case globalDatabaseId', () => {
    expect(bad({ createGlobalDatabase: true, engineVersion: GLOBAL_VERSION, globalDatabaseId: 'Orders-Global' }))
      .toThrow(/invalid globalDatabaseId 'Orders-Global'\. Allowed: a global database identifier in lower case: RDS stores global database ids in lower case, and the id also names the replicated credentials secret.*Fix: use 'orders-global' \(the secret is then 'orders-global-credentials'\)/);
  });
  test('an upper-case existingGlobalDatabaseId', () => {
    expect(bad({ existingGlobalDatabaseId: 'Orders-Global', engineVersion: GLOBAL_VERSION }))
      .toThrow(/invalid existingGlobalDatabaseId 'Orders-Global'\. Allowed: a global database identifier in lower case.*Fix: use 'orders-global'$/);
  });
});
