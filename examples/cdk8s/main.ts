// The example cdk8s app: `npx projen example` synthesizes it with the real cdk8s CLI after the CDK app, offline.
// It runs in the separate pipeline of a service team: it reads the outputs that
// `cdk deploy --outputs-file cdk-outputs.json` wrote for the example CDK app (stack OrdersDb) and links the
// database into the `orders` service as the service's own PostgreSQL user `orders` (module rdsOrders), never as the
// master user. The outputs file is ./cdk-outputs.json (a committed sample), or the path in CDK_OUTPUTS_FILE.
// In your own app, import from 'cdk-aurora-postgres' instead of '../../src'.
import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { App } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { DatabaseLink, LinkSecretMode, PostgresLinkChart } from '../../src';

export function buildApp(outputsFile: string, app: App = new App()): App {
  const outputs = JSON.parse(fs.readFileSync(outputsFile, 'utf8'));
  // The service's own user (db.addDatabaseUser('orders', ...) in the CDK app): its outputs rdsOrdersDbSecretArn and
  // rdsOrdersDbUserLink name its cluster's (rdsDb*), which give the host and port.
  const database = DatabaseLink.fromCdkOutputs(outputs, 'OrdersDb', 'rdsOrders');

  const chart = new PostgresLinkChart(app, 'orders-db', {
    namespace: 'orders',
    createNamespace: true,
    // The env var names stay Opta's `rds_db_*`, whichever user the link logs in as (envNames: { user, password,
    // name, host } would rename them).
    links: [{ moduleName: 'rds', database }],
    secretMode: LinkSecretMode.EXTERNAL_SECRET, // the default: External Secrets Operator reads the password
    secretRefreshInterval: Duration.hours(1), // the default: how often it reads it again (at most half the rotation interval)
    serviceAccountName: 'orders',
  });

  const serviceAccount = new kplus.ServiceAccount(chart, 'orders', { metadata: { name: 'orders' } });
  const api = new kplus.Deployment(chart, 'api', {
    metadata: { name: 'orders-api' },
    serviceAccount,
    replicas: 2,
    containers: [{ image: 'registry.example.com/orders-api:1.0.0', portNumber: 8080 }],
  });
  // rds_db_user, rds_db_password, rds_db_name, rds_db_host, rds_db_port and rds_db_url (verify-full), with the
  // Amazon RDS CA bundle mounted read-only where rds_db_url's sslrootcert points.
  chart.linkContainer(api.containers[0]);
  // Roll the pods when External Secrets refreshes the Secret after a rotation (Stakater Reloader's annotations).
  chart.restartOnSecretChange(api);
  api.exposeViaService({ name: 'orders-api' });
  return app;
}

if (require.main === module) {
  buildApp(process.env.CDK_OUTPUTS_FILE ?? path.join(__dirname, 'cdk-outputs.json')).synth();
}
