#!/usr/bin/env bash
# Installs the packed tarball (dist/js, made by `npx projen package`) into a fresh temporary app exactly as the
# README's "Install" section says (its npm lines, its app.ts and cdk.json), synthesizes that app with the real
# `cdk` CLI, then a CDK stack and a cdk8s chart from plain JavaScript. Fails when the package misses anything users
# need, or when the README's install line names other versions than the package's peer dependencies.
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
const section = text.split(/^## /m).find(s => s.startsWith('Install\n'));
if (!section) throw new Error('README.md has no "## Install" section');
const blocks = lang => [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map(m => m[1]);
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
console.log(install.map(l => l.replace(tgz, '<tarball>')).join('\n'));
JS
bash install.sh >/dev/null
CDK_DISABLE_CLI_TELEMETRY=true CDK_DISABLE_VERSION_CHECK=true npx cdk synth --no-notices --quiet >/dev/null
node -e '
  const t = require("./cdk.out/OrdersDb.template.json");
  const types = Object.values(t.Resources).map(r => r.Type);
  if (!types.includes("AWS::RDS::DBCluster")) throw new Error("the README app made no DB cluster");
  if (t.Outputs.rdsDbName.Value !== "orders") throw new Error("unexpected rdsDbName output");
  console.log("package test: the README Install app synthesized with the real cdk CLI (" + types.length + " resources)");
'

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
