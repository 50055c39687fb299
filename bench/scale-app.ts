// The platform app of issue 15 at scale: VPC, EKS, ExternalSecretsOperator and one AuroraPostgres in a platform
// stack; N services, each a DatabaseUser and a PostgresLinkChart applied to the cluster, either all in the platform
// stack or each in a service stack of its own. Shared by the scale bench (bench/scale.ts) and the scale tests.
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cdk8s from 'cdk8s';
import { AuroraPostgres, DatabaseUser, ExternalSecretsOperator, PostgresLinkChart } from '../src';

export type Layout = 'one stack' | 'service stacks';

export interface ScaleApp {
  readonly app: App;
  readonly platform: Stack;
  readonly services: Stack[];
  readonly db: AuroraPostgres;
  readonly users: DatabaseUser[];
}

const env = { account: '123456789012', region: 'us-east-1' };

/** Options of `scaleApp`. */
export interface ScaleOptions {
  /** The cloud assembly directory. */
  readonly outdir?: string;
  /**
   * Charts mount a CA ConfigMap that exists already (`caConfigMapName`) instead of rendering the whole Amazon RDS
   * CA bundle each: what a service costs without the bundle.
   */
  readonly sharedCa?: boolean;
}

/** Builds the app (nothing synthesized yet). */
export function scaleApp(n: number, layout: Layout, options: ScaleOptions = {}): ScaleApp {
  const outdir = options.outdir;
  const app = new App({ builtinCloudFormationValidation: false, outdir });
  const platform = new Stack(app, 'Platform', { env });
  const vpc = new ec2.Vpc(platform, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const cluster = new eks.Cluster(platform, 'Eks', {
    vpc,
    version: eks.KubernetesVersion.V1_32,
    defaultCapacity: 0,
    // A reference is enough to synthesize (the layer's asset would only add bytes outside the template).
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(platform, 'KubectlLayer', 'arn:aws:lambda:us-east-1:123456789012:layer:kubectl:1'),
  });
  const eso = new ExternalSecretsOperator(platform, 'Eso', { cluster });
  const db = new AuroraPostgres(platform, 'rds', { vpc });
  const users: DatabaseUser[] = [];
  const services: Stack[] = [];
  for (let i = 0; i < n; i++) {
    const name = `svc${i}`;
    const scope = layout === 'one stack' ? platform : new Stack(app, `Service${i}`, { env });
    if (scope !== platform) services.push(scope);
    const user = new DatabaseUser(scope, `User${name}`, { database: db, username: name });
    // The namespace's store reads the user's secret; in a service stack, the store is that stack's.
    user.grantReadCredentials(eso.forNamespace(name, scope));
    users.push(user);
    const chart = new PostgresLinkChart(new cdk8s.App(), `${name}-db`, {
      namespace: name,
      links: [{ moduleName: 'rds', database: user.link }],
      deployThroughEks: true,
      caConfigMapName: options.sharedCa ? 'rds-ca' : undefined,
    });
    eso.addChart(name, chart, { scope });
  }
  return { app, platform, services, db, users };
}

/** What one synthesized stack costs against CloudFormation's limits. */
export interface StackSize {
  readonly stack: string;
  readonly resources: number;
  readonly outputs: number;
  /** Bytes of the template file the CDK writes and uploads (cdk.out/<stack>.template.json). */
  readonly bytes: number;
}

export function sizesOf(assembly: { stacks: { stackName: string; template: any; templateFullPath: string }[] }): StackSize[] {
  return assembly.stacks.map(s => ({
    stack: s.stackName,
    resources: Object.keys(s.template.Resources ?? {}).length,
    outputs: Object.keys(s.template.Outputs ?? {}).length,
    bytes: fs.statSync(path.resolve(s.templateFullPath)).size,
  }));
}
