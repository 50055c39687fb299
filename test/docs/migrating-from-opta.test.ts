// The migration guide's worked example (docs/migrating-from-opta.md), run as written: its CDK app looks up Opta's
// VPC with Vpc.fromLookup, and synthesizes offline with the cdk.context.json that the first `cdk synth` (with
// credentials) writes and the guide says to commit. The CLI hands that file to the app as CDK_CONTEXT_JSON.
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ts from 'typescript';
import { tempDir } from '../util';

const GUIDE = path.join(__dirname, '..', '..', 'docs', 'migrating-from-opta.md');
const CONTEXT = path.join(__dirname, 'migrating-from-opta.cdk.context.json');

/** The ```ts blocks of the guide's "Worked example" section. */
function workedExampleSamples(): string[] {
  const text = fs.readFileSync(GUIDE, 'utf8');
  const section = text.slice(text.indexOf('## Worked example'), text.indexOf('\n## ', text.indexOf('## Worked example') + 1));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map(m => m[1]);
}

/** Runs a sample as CommonJS, `cdk-aurora-postgres` being this repository's src/, and returns its `app`. */
function run(sample: string): App {
  const js = ts.transpileModule(`${sample}\nmodule.exports = app;`, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true },
  }).outputText;
  const module = { exports: {} as any };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const requireFor = (name: string) => require(name === 'cdk-aurora-postgres' ? '../../src' : name);
  new Function('require', 'module', 'exports', js)(requireFor, module, module.exports);
  return module.exports;
}

describe('docs/migrating-from-opta.md, the worked example', () => {
  const saved = { context: process.env.CDK_CONTEXT_JSON, outdir: process.env.CDK_OUTDIR };
  afterEach(() => {
    for (const [key, value] of [['CDK_CONTEXT_JSON', saved.context], ['CDK_OUTDIR', saved.outdir]] as const) {
      if (value === undefined) delete process.env[key]; else process.env[key] = value;
    }
  });

  test('the CDK app synthesizes offline with a committed cdk.context.json: no lookup left, the cluster in Opta\'s private subnets', () => {
    // GIVEN: the guide's sample and the committed context file
    const [cdkApp] = workedExampleSamples();
    expect(cdkApp).toMatch(/Vpc\.fromLookup/);
    process.env.CDK_CONTEXT_JSON = fs.readFileSync(CONTEXT, 'utf8');
    process.env.CDK_OUTDIR = tempDir('migration-example');
    // WHEN
    const assembly = run(cdkApp).synth();
    // THEN
    expect(assembly.manifest.missing).toBeUndefined(); // nothing for the CLI to look up in AWS
    const stack = assembly.getStackByName('OrdersDb');
    const warnings = stack.messages.filter(m => m.level !== 'info').map(m => `${m.id}: ${m.entry.data}`);
    expect(warnings).toEqual([]);
    const template = Template.fromJSON(stack.template);
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', {
      SubnetIds: ['subnet-0bbb0000000000000', 'subnet-0bbb1000000000000', 'subnet-0bbb2000000000000'],
    });
    template.resourceCountIs('AWS::RDS::DBInstance', 2); // multiAz: a writer and a reader
  });

  test('without the context file the app asks for the lookup (what needs credentials once)', () => {
    // GIVEN: no context file
    delete process.env.CDK_CONTEXT_JSON;
    process.env.CDK_OUTDIR = tempDir('migration-example-lookup');
    const jestSpy = jest.spyOn(console, 'error').mockImplementation(() => {}); // the validator's report on the dummy VPC
    try {
      // WHEN
      const assembly = run(workedExampleSamples()[0]).synth();
      // THEN
      expect(assembly.manifest.missing?.map(m => m.key)).toEqual(Object.keys(JSON.parse(fs.readFileSync(CONTEXT, 'utf8'))));
    } finally {
      jestSpy.mockRestore();
    }
  });
});
