#!/usr/bin/env bash
# Installs the packed tarball (dist/js, made by `npx projen package`) into a fresh temporary app, with its peer
# dependencies from the npm registry and nothing else, then synthesizes a CDK stack and a cdk8s chart from it.
# Fails when the package misses anything users need.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tgz=$(ls "$root"/dist/js/*.tgz 2>/dev/null | head -n 1 || true)
[ -n "$tgz" ] || { echo "no tarball in dist/js: run 'npx projen package' first" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# The app depends on the tarball and on exactly the package's peer dependencies (same ranges).
node -e '
  const pkg = require(process.argv[1]);
  const deps = { "cdk-aurora-postgres": "file:" + process.argv[2], ...pkg.peerDependencies };
  require("fs").writeFileSync("package.json", JSON.stringify({ name: "pack-test", private: true, dependencies: deps }, null, 2));
  console.log("installing", Object.entries(deps).map(([k, v]) => k + "@" + v).join(" "));
' "$root/package.json" "$tgz"
npm install --no-audit --no-fund --loglevel=error >/dev/null

for f in lib/index.js lib/index.d.ts .jsii README.md LICENSE API.md assets/private/users/provider.lambda/index.js; do
  [ -e "node_modules/cdk-aurora-postgres/$f" ] || { echo "the package lacks $f" >&2; exit 1; }
done
for f in src test examples bench .projenrc.ts tsconfig.json; do
  [ ! -e "node_modules/cdk-aurora-postgres/$f" ] || { echo "the package ships $f, which users do not need" >&2; exit 1; }
done

cat > app.js <<'JS'
const assert = require('assert');
const cdk = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const cdk8s = require('cdk8s');
const { AuroraPostgres, DatabaseLink, PostgresLinkChart } = require('cdk-aurora-postgres');

const app = new cdk.App({ outdir: 'cdk.out' });
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
node app.js
