import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Fn, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * A stack with a VPC (public + private subnets in two AZs, flow logs on) for unit tests. aws-cdk-lib's built-in
 * CloudFormation validator is off here (it costs ~2 s a synth); the example tests run it over real templates.
 */
export function testStack(props: StackProps = {}, appProps: { validation?: boolean; outdir?: string } = {}) {
  const app = new App({ builtinCloudFormationValidation: appProps.validation ?? false, outdir: appProps.outdir });
  const stack = new Stack(app, 'TestStack', props);
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  vpc.addFlowLog('FlowLog');
  return { app, stack, vpc };
}

/** One finding of a validation plugin (cdk-nag or the built-in CloudFormation validator). */
export interface Finding {
  readonly plugin: string;
  readonly rule: string;
  readonly path: string;
}

/** Reads every unacknowledged finding from a cloud assembly's validation report. */
export function findingsIn(outdir: string): Finding[] {
  const file = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(file)) return [];
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  const findings: Finding[] = [];
  for (const plugin of report.pluginReports ?? []) {
    for (const violation of plugin.violations ?? []) {
      for (const c of violation.violatingConstructs ?? []) {
        findings.push({ plugin: plugin.pluginName, rule: violation.ruleName, path: c.constructPath });
      }
    }
  }
  return findings;
}

/** Runs cdk-nag's AwsSolutions pack on an app and returns its unacknowledged findings. */
export function nagFindings(app: App): Finding[] {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
  } catch (e) {
    if (!/Validation ?failed/i.test(String((e as Error).message) + String((e as Error).name))) throw e;
  }
  return findingsIn(app.outdir);
}

/** A fresh temporary directory. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

/** An imported VPC whose CIDR block is a CloudFormation reference (unknown at synth time). */
export function vpcWithReferencedCidr(stack: Stack): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
    vpcId: 'vpc-1',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    vpcCidrBlock: Fn.importValue('VpcCidr'),
    privateSubnetIds: ['subnet-1', 'subnet-2'],
  });
}
