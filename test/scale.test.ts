import { CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { scaleApp, sizesOf } from '../bench/scale-app';
import { AuroraPostgres, DatabaseUser } from '../src';
import { testStack } from './util';

/** The goals of issue 15 per added service (with charts that mount a shared CA ConfigMap; see bench/README.md). */
// Each service has a namespace of its own, so each adds its namespace's store (role, trust condition, manifest).
const PER_SERVICE = { resources: 8, outputs: 2, bytes: 9.5 * 1024 /* besides the CA bundle */ };

/** WHEN: n services in one stack (cluster, operator, users and their charts), synthesized. */
function oneStack(n: number) {
  const built = scaleApp(n, 'one stack', { sharedCa: true });
  const assembly = built.app.synth();
  return { ...built, assembly, size: sizesOf(assembly)[0], template: assembly.getStackByName('Platform').template };
}

describe('N services in one stack (cluster, operator, users and their charts)', () => {
  test.each([1, 10, 50])('%d service(s): one multi-user rotation function, one provisioning function', n => {
    // GIVEN an app with an EKS cluster and a database
    // WHEN
    const s = { n, ...oneStack(n) };
    // THEN
    const template = Template.fromJSON(s.template);
    // The master's single-user rotation application and the users' one multi-user application.
    template.resourceCountIs('AWS::Serverless::Application', 2);
    // The provisioning function and its provider framework; aws-cdk-lib's OpenID Connect provider and CfnJson
    // functions (the namespaces' stores trust their ServiceAccounts through the cluster's OIDC provider).
    template.resourceCountIs('AWS::Lambda::Function', 4);
    template.resourceCountIs('Custom::PostgresUser', s.n);
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', s.n + 1);
    const users = template.findResources('AWS::SecretsManager::RotationSchedule', {
      Properties: { RotationLambdaARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^rdsUserRotation'), 'Outputs.RotationLambdaARN'] } },
    });
    expect(Object.keys(users)).toHaveLength(s.n);
  });

  test('50 services fit CloudFormation\'s limits: <= 500 resources, <= 200 outputs, <= 1,000,000 template bytes', () => {
    // GIVEN an app with an EKS cluster and a database
    // WHEN
    const fifty = oneStack(50);
    // THEN
    expect(fifty.size.resources).toBeLessThanOrEqual(500);
    expect(fifty.size.outputs).toBeLessThanOrEqual(200);
    expect(fifty.size.bytes).toBeLessThanOrEqual(1_000_000);
  });

  test('each added service (with a namespace store of its own) costs at most 8 resources, 2 outputs and 9.5 KiB of template besides its CA bundle', () => {
    // GIVEN an app with an EKS cluster and a database
    // WHEN
    const [one, fifty] = [oneStack(1), oneStack(50)];
    // THEN
    const per = (key: 'resources' | 'outputs' | 'bytes') => (fifty.size[key] - one.size[key]) / 49;
    expect(per('resources')).toBeLessThanOrEqual(PER_SERVICE.resources);
    expect(per('outputs')).toBeLessThanOrEqual(PER_SERVICE.outputs);
    expect(per('bytes')).toBeLessThanOrEqual(PER_SERVICE.bytes);
  });

  test('no stack-limit warning below 80% (10 services); past it (50 services: 8 resources each, with a namespace store each) the warning', () => {
    // GIVEN an app with an EKS cluster and a database
    // WHEN
    const [ten, fifty] = [oneStack(10), oneStack(50)];
    // THEN
    const warnings = (s: typeof ten) => s.assembly.getStackByName('Platform').messages
      .filter(m => String(m.entry.data).includes('cdk-aurora-postgres:stackLimits'));
    expect(warnings(ten)).toEqual([]);
    expect(warnings(fifty).map(m => m.entry.data)).toEqual([expect.stringMatching(/^Stack 'Platform' holds 4\d\d resources, 9\d% of CloudFormation's limit of 500/)]);
  });
});

describe('with the CA bundle each chart renders (its region\'s RDS roots)', () => {
  test('each added service costs at most 18 KiB of template, its CA bundle included', () => {
    // GIVEN an app with an EKS cluster and a database
    const sizeOf = (n: number) => {
      const built = scaleApp(n, 'one stack');
      return sizesOf(built.app.synth())[0].bytes;
    };
    // WHEN
    const [one, eleven] = [sizeOf(1), sizeOf(11)];
    // THEN
    expect((eleven - one) / 10).toBeLessThanOrEqual(18 * 1024);
  });
});

/** WHEN: two services, each in a stack of its own, synthesized. */
function serviceStacks() {
  const built = scaleApp(2, 'service stacks', { sharedCa: true });
  const assembly = built.app.synth();
  const platform = Template.fromStack(built.platform);
  const [first, second] = built.services.map(s => Template.fromStack(s));
  return { built, assembly, platform, first, second };
}

describe('each service in a stack of its own', () => {

  test('the platform stack holds no user: no user resource, secret, schedule, output or statement naming one', () => {
    // GIVEN an app with an EKS cluster and a database in a platform stack
    // WHEN
    const { assembly, platform } = serviceStacks();
    // THEN
    platform.resourceCountIs('Custom::PostgresUser', 0);
    platform.resourceCountIs('AWS::SecretsManager::Secret', 1); // the master's
    const json = JSON.stringify(assembly.getStackByName('Platform').template);
    expect(json).not.toMatch(/svc[01]/i);
    expect(json).not.toContain('Service0');
  });

  test('each service stack holds its user, secret, schedule, namespace store and chart, and two outputs', () => {
    // GIVEN an app with an EKS cluster and a database in a platform stack
    // WHEN
    const { first, second } = serviceStacks();
    // THEN
    for (const [i, t] of [first, second].entries()) {
      expect(Object.values<any>(t.toJSON().Resources).map(r => r.Type).sort()).toEqual([
        'AWS::IAM::Role', // the namespace store's role (its policy inline)
        'AWS::IAM::Role', // aws-cdk-lib's CfnJson function (once per stack): the store role's trust condition
        'AWS::Lambda::Function',
        'AWS::SecretsManager::RotationSchedule',
        'AWS::SecretsManager::Secret',
        'AWS::SecretsManager::SecretTargetAttachment',
        'Custom::AWSCDK-EKS-KubernetesResource', // the chart
        'Custom::AWSCDK-EKS-KubernetesResource', // the namespace's ServiceAccount and SecretStore
        'Custom::AWSCDKCfnJson',
        'Custom::PostgresUser',
      ]);
      expect(Object.keys(t.toJSON().Outputs).sort()).toEqual([`rdsSvc${i}DbSecretArn`, `rdsSvc${i}DbUserLink`]);
      // The shared rotation function and provisioner come from the platform stack.
      t.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        RotationLambdaARN: { 'Fn::ImportValue': Match.stringLikeRegexp('rdsUserRotation') },
      });
      t.hasResourceProperties('Custom::PostgresUser', {
        ServiceToken: { 'Fn::ImportValue': Match.stringLikeRegexp('rdsUserProvisioner') },
      });
    }
  });

  test('a service stack depends on the platform stack only: it deploys and is destroyed on its own, after it', () => {
    // GIVEN an app with an EKS cluster and a database in a platform stack
    // WHEN
    const { built } = serviceStacks();
    // THEN
    for (const service of built.services) {
      const deps = service.dependencies.map(d => d.stackName);
      expect(deps).toEqual(['Platform']);
    }
    expect(built.platform.dependencies).toEqual([]);
  });

  test('users in one stack are provisioned one after the other; across stacks they are not chained', () => {
    // GIVEN an app with an EKS cluster and a database in a platform stack
    // WHEN
    const { second } = serviceStacks();
    // THEN
    const resource = (t: Template) => Object.values<any>(t.findResources('Custom::PostgresUser'))[0];
    expect(JSON.stringify(resource(second).DependsOn ?? [])).not.toContain('Usersvc0');
  });
});

describe('the stack-limit warning', () => {
  test('a stack past 80% of the template limit because of the charts: the count and the fix', () => {
    // Each service adds ~14.6 KB (its chart renders its region's three RDS roots): 54 services in one stack hold
    // ~836 KB, past 80% (and 496 resources, just under the limit).
    // GIVEN an app with an EKS cluster and a database
    // WHEN
    const built = scaleApp(54, 'one stack');
    // THEN
    Annotations.fromStack(built.platform).hasWarning('/Platform', Match.stringLikeRegexp(
      "^Stack 'Platform' holds \\d+ template bytes, \\d+% of CloudFormation's limit of 1000000 \\(with 54 database user\\(s\\); .*Fix: give each service a stack of its own for its DatabaseUser and its chart"));
  });

  test('a stack past 80% of the resource limit because of users: the count, the library\'s share and the fix', () => {
    // GIVEN
    const { stack, vpc } = testStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const db = new AuroraPostgres(stack, 'rds', { vpc });
    // WHEN
    for (let i = 0; i < 95; i++) db.addDatabaseUser(`u${i}`, { username: `u${i}` });
    // THEN
    Annotations.fromStack(stack).hasWarning('/TestStack', Match.stringLikeRegexp(
      "^Stack 'TestStack' holds 4\\d\\d resources, \\d+% of CloudFormation's limit of 500 \\(\\d+ from cdk-aurora-postgres, 95 database user\\(s\\)\\)\\. Fix: give each service a stack of its own"));
    Annotations.fromStack(stack).hasWarning('/TestStack', Match.stringLikeRegexp(
      "^Stack 'TestStack' holds 1\\d\\d outputs, \\d+% of CloudFormation's limit of 200 \\(\\d+ from cdk-aurora-postgres, 95 database user\\(s\\)\\)"));
  });

  test('not for a stack without the library\'s resources', () => {
    // GIVEN
    const built = scaleApp(0, 'one stack');
    const other = new Stack(built.app, 'Other');
    // WHEN
    for (let i = 0; i < 450; i++) new CfnWaitConditionHandle(other, `H${i}`);
    // THEN
    expect(Annotations.fromStack(other).findWarning('*', Match.stringLikeRegexp('cdk-aurora-postgres'))).toEqual([]);
  });
});

describe('a user in a service stack of a database with an RDS Proxy', () => {
  test('is refused: the proxy lists every user\'s secret, so the stacks would depend on each other', () => {
    // GIVEN
    const { app, stack, vpc } = testStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const db = new AuroraPostgres(stack, 'rds', { vpc, proxy: true });
    const service = new Stack(app, 'Orders', { env: { account: '123456789012', region: 'us-east-1' } });
    // WHEN
    const create = () => new DatabaseUser(service, 'User', { database: db, username: 'orders', rotation: false });
    // THEN
    expect(create).toThrow(
      /DatabaseUser at 'Orders\/User': invalid scope 'Orders'\. Allowed: the stack of the database \(TestStack\) .*Fix: create this user in the database's stack/);
  });
});
