import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { buildApp } from '../examples/cdk/app';
import { DatabaseLink } from '../src';
import { findingsIn, tempDir } from './util';

const EXAMPLE = path.join(__dirname, '..', 'examples', 'cdk');

/** Every string in a template under a key that names a password, with the key path. */
function passwordValues(node: unknown, at: string[] = []): Array<{ at: string; value: unknown }> {
  if (Array.isArray(node)) return node.flatMap((v, i) => passwordValues(v, [...at, String(i)]));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => [
    ...(/password/i.test(k) ? [{ at: [...at, k].join('.'), value: v }] : []),
    ...passwordValues(v, [...at, k]),
  ]);
}

/** Runs exactly what `npx projen example` runs, with the built-in CloudFormation validator and cdk-nag on. */
function cliSynth(outdir: string): void {
  execFileSync('npx', ['cdk', 'synth', '--no-notices', '--no-version-reporting', '--quiet', '--output', outdir], {
    cwd: EXAMPLE,
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: 'true', CDK_VALIDATION: 'true' },
    stdio: 'pipe',
  });
}

/** The example's own buildApp, synthesized in this process (the validator and cdk-nag run here too). */
function inProcessSynth(name: string): string {
  const outdir = tempDir(name);
  buildApp(new App({ outdir })).synth();
  return outdir;
}

function templatesIn(outdir: string): Array<{ name: string; template: any }> {
  return fs.readdirSync(outdir).filter(f => f.endsWith('.template.json'))
    .map(f => ({ name: f, template: JSON.parse(fs.readFileSync(path.join(outdir, f), 'utf8')) }));
}

describe('the example CDK app', () => {
  test('the real cdk CLI writes a template per stack, and the built-in validator and cdk-nag report nothing', () => {
    // GIVEN
    const outdir = tempDir('example-cdk');
    // WHEN
    cliSynth(outdir);
    // THEN
    expect(templatesIn(outdir).map(t => t.name).sort()).toEqual([
      'Network.template.json', 'NetworkWest.template.json', 'OrdersDb.template.json',
      'OrdersGlobalPrimary.template.json', 'OrdersGlobalSecondary.template.json', 'OrdersProduction.template.json', 'OrdersRestored.template.json',
    ]);
    expect(findingsIn(outdir)).toEqual([]);
  }, 180_000);

  test('in process too, the validator and cdk-nag run (their report is written) and report nothing', () => {
    // GIVEN / WHEN
    const outdir = inProcessSynth('example-cdk-validation');
    // THEN
    expect(fs.existsSync(path.join(outdir, 'validation-report.json'))).toBe(true);
    expect(findingsIn(outdir)).toEqual([]);
  });

  test('the production stack has every production option on', () => {
    // GIVEN / WHEN
    const t = templatesIn(inProcessSynth('example-cdk-production')).find(x => x.name === 'OrdersProduction.template.json')!.template;
    // THEN
    const of = (type: string) => Object.values<any>(t.Resources).filter(r => r.Type === type).map(r => r.Properties);
    expect(of('AWS::RDS::DBProxy')).toEqual([expect.objectContaining({ RequireTLS: true, EngineFamily: 'POSTGRESQL' })]);
    expect(of('AWS::RDS::DBProxy')[0].Auth).toHaveLength(2); // the master's secret and the orders user's
    expect(of('AWS::RDS::DBProxyEndpoint')).toEqual([expect.objectContaining({ TargetRole: 'READ_ONLY' })]);
    expect(of('AWS::RDS::DBCluster')).toEqual([expect.objectContaining({
      StorageType: 'aurora-iopt1', DatabaseInsightsMode: 'advanced', PerformanceInsightsRetentionPeriod: 465,
    })]);
    expect(of('AWS::RDS::DBInstance').map(i => i.MonitoringInterval)).toEqual([60, 60]);
    const alarms = of('AWS::CloudWatch::Alarm');
    // 8 per instance (CPU, connections, transaction IDs, cache hits, memory, local storage, deadlocks, replica
    // lag) on the writer and the reader, and 3 on the proxy.
    expect(alarms).toHaveLength(19);
    expect(of('AWS::RDS::EventSubscription')).toHaveLength(2);
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^DbAlarms/) }]);
    expect(Object.keys(t.Outputs)).toEqual(expect.arrayContaining(['rdsDbHost', 'rdsDbReaderHost']));
  });

  test('no literal password anywhere in any template', () => {
    // GIVEN / WHEN
    const found = templatesIn(inProcessSynth('example-cdk-passwords'))
      .flatMap(({ name, template }) => passwordValues(template).map(p => ({ name, ...p })));
    // THEN
    expect(found.length).toBeGreaterThan(0); // the scan sees the cluster's password and the link output
    for (const { at, value } of found) {
      const text = JSON.stringify(value);
      if (at.endsWith('MasterUserPassword')) {
        expect(text).toMatch(/^\{"Fn::Join":\["",\["\{\{resolve:secretsmanager:",\{"Ref":"[^"]+"\},":SecretString:password::\}\}"\]\]\}$/);
      } else if (/^Outputs\.\w+DbPassword$/.test(at)) {
        expect(value).toEqual({ Description: expect.any(String), Value: DatabaseLink.FROM_SECRET });
      } else {
        expect(text).not.toMatch(/"[^"{}]{8,}"/); // nothing that could be a literal secret
      }
    }
  });
});

describe("aws-cdk-lib's built-in CloudFormation validator", () => {
  test('is live: it reports a known-bad DB cluster (password without user name)', () => {
    // GIVEN
    const app = new App({ outdir: tempDir('validator') });
    const stack = new Stack(app, 'Bad');
    new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-postgresql', masterUserPassword: 'x'.repeat(12) });
    // The validator prints its report through console.error: captured, so that a green run prints no alarm.
    const printed: unknown[] = [];
    // WHEN
    const spy = jest.spyOn(console, 'error').mockImplementation((...args) => { printed.push(...args); });
    try {
      app.synth();
    } catch {
      // a failed validation throws; the report is still written
    } finally {
      spy.mockRestore();
    }
    // THEN
    expect(findingsIn(app.outdir).map(f => f.rule)).toContain('F3021');
    expect(printed.join('\n')).toMatch(/Acknowledge with 'CloudFormation-Validate::F3021'/);
  });
});
