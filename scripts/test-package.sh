#!/usr/bin/env bash
# Installs the packed tarball (dist/js, made by `npx projen package`) into a fresh temporary app exactly as the
# README's "Install" section says (its npm lines, its app.ts, cdk.json and tsconfig.json), type-checks it with
# `tsc --noEmit` and synthesizes it with the real `cdk` CLI; then does the same with the README's "EKS quick start"
# (its npm line and eks.ts; plain and with cdk-nag), then a CDK stack and a cdk8s chart from plain JavaScript.
# Fails when the package misses anything users need, or when the README's install line names other versions than
# the package's peer dependencies.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tgz=$(ls "$root"/dist/js/*.tgz 2>/dev/null | head -n 1 || true)
[ -n "$tgz" ] || { echo "no tarball in dist/js: run 'npx projen package' first" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# The README's "Install" section, exactly: its install lines (with the tarball in place of the published
# package), its app.ts and its cdk.json. Then the real `cdk synth` of that app, offline.
node - "$root/README.md" "$tgz" <<'JS'
const fs = require('fs');
const [readme, tgz] = process.argv.slice(2);
const text = fs.readFileSync(readme, 'utf8');
const sectionOf = title => {
  const section = text.split(/^## /m).find(s => s.startsWith(title + '\n'));
  if (!section) throw new Error(`README.md has no "## ${title}" section`);
  return section;
};
const blocksOf = (section, lang) => [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map(m => m[1]);
const section = sectionOf('Install');
const blocks = lang => blocksOf(section, lang);
const install = blocks('sh')[0].split('\n').filter(l => l.startsWith('npm install'))
  .map(l => l.replace(/ cdk-aurora-postgres /, ` file:${tgz} `) + ' --prefer-offline --no-audit --no-fund --loglevel=error');
if (install.length !== 2 || !install[0].includes(tgz)) throw new Error('README Install: expected two npm install lines, the first naming cdk-aurora-postgres');
const peers = require(require('path').join(readme, '..', 'package.json')).peerDependencies;
for (const [name, range] of Object.entries(peers)) {
  if (!install[0].includes(` ${name}@${range}`)) throw new Error(`README Install: the first npm line must name ${name}@${range} (the peer dependency)`);
}
fs.writeFileSync('package.json', JSON.stringify({ name: 'readme-install-test', private: true }, null, 2));
fs.writeFileSync('install.sh', install.join('\n') + '\n');
fs.writeFileSync('app.ts', blocks('ts')[0]);
fs.writeFileSync('cdk.json', blocks('json')[0]);
const tsconfig = blocks('json')[1];
if (!tsconfig || !JSON.parse(tsconfig).compilerOptions) throw new Error('README Install: expected a tsconfig.json block after cdk.json');
fs.writeFileSync('tsconfig.json', tsconfig);
// The EKS quick start: its one npm line (the kubectl layer, cdk-nag) and its app (a tsx block: jsii-rosetta, which
// compiles the README's ts blocks, cannot resolve those two packages, which are not jsii dependencies of this one).
const quick = sectionOf('EKS quick start');
const quickInstall = blocksOf(quick, 'sh')[0].split('\n').filter(l => l.startsWith('npm install'));
if (quickInstall.length !== 1) throw new Error('README EKS quick start: expected one npm install line');
fs.writeFileSync('install-eks.sh', quickInstall[0] + ' --prefer-offline --no-audit --no-fund --loglevel=error\n');
const eks = blocksOf(quick, 'tsx')[0];
if (!eks || !eks.includes("from 'cdk-aurora-postgres'")) throw new Error('README EKS quick start: expected its app in a tsx block');
fs.writeFileSync('eks.ts.readme', eks);
console.log(install.map(l => l.replace(tgz, '<tarball>')).join('\n'));
console.log(quickInstall[0]);
JS
bash install.sh >/dev/null
export CDK_DISABLE_CLI_TELEMETRY=true CDK_DISABLE_VERSION_CHECK=true
npx tsc --noEmit -p tsconfig.json
echo "package test: the README Install app type-checks with its tsconfig.json (tsc $(npx tsc --version | sed 's/Version //'))"
npx cdk synth --no-notices --quiet >/dev/null
node -e '
  const t = require("./cdk.out/OrdersDb.template.json");
  const types = Object.values(t.Resources).map(r => r.Type);
  if (!types.includes("AWS::RDS::DBCluster")) throw new Error("the README app made no DB cluster");
  if (t.Outputs.rdsDbName.Value !== "orders") throw new Error("unexpected rdsDbName output");
  console.log("package test: the README Install app synthesized with the real cdk CLI (" + types.length + " resources)");
'

# The EKS quick start: type-checked, synthesized offline, then synthesized with cdk-nag, whose findings must all be
# on aws-cdk-lib's EKS cluster, its providers and the sample's VPC (as the sample's comment says), none on the
# database, the operator or the chart.
bash install-eks.sh >/dev/null
mv eks.ts.readme eks.ts
npx tsc --noEmit -p tsconfig.json
npx cdk synth --no-notices --quiet --app 'npx tsx eks.ts' --output cdk.out.eks >/dev/null
if npx cdk synth --no-notices --quiet --app 'npx tsx eks.ts' --output cdk.out.nag -c nag=true >nag.log 2>&1; then
  echo "the README EKS quick start passed cdk-nag, but its comment says aws-cdk-lib's EKS resources have findings: update the comment" >&2
  exit 1
fi
node - <<'JS'
  const fs = require("fs");
  const report = JSON.parse(fs.readFileSync("cdk.out.nag/validation-report.json", "utf8"));
  const paths = report.pluginReports.flatMap(p => p.violations.flatMap(v => v.violatingConstructs.map(c => c.constructPath)));
  if (paths.length === 0) { console.error(fs.readFileSync("nag.log", "utf8")); throw new Error("cdk-nag failed without findings"); }
  const ours = paths.filter(p => !/^Orders\/(Vpc|Eks|@aws-cdk--aws-eks\.[A-Za-z]+Provider)\//.test(p));
  if (ours.length) throw new Error("cdk-nag findings on the quick start's own resources: " + ours.join(", "));
  const t = JSON.parse(fs.readFileSync("cdk.out.eks/Orders.template.json", "utf8"));
  const types = Object.values(t.Resources).map(r => r.Type);
  for (const type of ["Custom::AWSCDK-EKS-Cluster", "AWS::RDS::DBCluster", "Custom::PostgresUser", "Custom::AWSCDK-EKS-HelmChart", "Custom::AWSCDK-EKS-KubernetesResource"]) {
    if (!types.includes(type)) throw new Error("the README EKS quick start made no " + type);
  }
  const manifests = JSON.stringify(t);
  if (!/orders_db_url/.test(manifests) || !/rds-ca/.test(manifests)) throw new Error("the quick start Deployment is not linked");
  console.log("package test: the README EKS quick start type-checks and synthesized offline (" + types.length + " resources); cdk-nag: " + paths.length + " findings, all on aws-cdk-lib's EKS resources and the VPC");
JS

for f in lib/index.js lib/index.d.ts .jsii README.md LICENSE API.md assets/private/users/provider.lambda/index.js; do
  [ -e "node_modules/cdk-aurora-postgres/$f" ] || { echo "the package lacks $f" >&2; exit 1; }
done
for f in src test examples bench .projenrc.ts tsconfig.json; do
  [ ! -e "node_modules/cdk-aurora-postgres/$f" ] || { echo "the package ships $f, which users do not need" >&2; exit 1; }
done

cat > link.js <<'JS'
const assert = require('assert');
const cdk = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const cdk8s = require('cdk8s');
const { AuroraPostgres, DatabaseLink, PostgresLinkChart } = require('cdk-aurora-postgres');

const app = new cdk.App({ outdir: 'cdk.out.js' });
const stack = new cdk.Stack(app, 'OrdersDb');
const vpc = new ec2.Vpc(stack, 'Vpc');
const db = new AuroraPostgres(stack, 'rds', { vpc, instanceClass: 'db.r6g.large', multiAz: true });
db.addDatabaseUser('orders', { username: 'orders' }); // the bundled provisioning function ships in the package
const assembly = app.synth();
const template = assembly.getStackByName('OrdersDb').template;
assert.ok(Object.values(template.Resources).some(r => r.Type === 'Custom::PostgresUser'), 'no database user');
assert.ok(Object.values(template.Resources).some(r => r.Type === 'AWS::RDS::DBCluster'), 'no DB cluster');
assert.strictEqual(template.Outputs.rdsDbUser.Value, 'postgres');

const outputs = { OrdersDb: {
  rdsDbHost: 'orders.cluster-abc.us-east-1.rds.amazonaws.com', rdsDbPort: '5432', rdsDbName: 'app', rdsDbUser: 'postgres',
  rdsDbPassword: 'FROM_SECRET', rdsDbSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds-AbCdEf',
} };
const k8s = new cdk8s.App();
new PostgresLinkChart(k8s, 'orders-db', {
  namespace: 'orders', links: [{ moduleName: 'rds', database: DatabaseLink.fromCdkOutputs(outputs, 'OrdersDb', 'rds') }],
});
const yaml = k8s.synthYaml();
assert.match(yaml, /kind: ExternalSecret/);
assert.match(yaml, /rds_db_password/);
console.log('package test: synthesized a stack and a chart from the packed tarball');
JS
node link.js
