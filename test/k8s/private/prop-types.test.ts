// Run-time checks of PostgresLinkChart for JavaScript (and other jsii) callers: the scope must be inside a cdk8s
// App, and each prop (and each link's) has its type.
import * as cdk from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { DatabaseLink, LinkSecretMode, PostgresLinkChart } from '../../../src';

const database = DatabaseLink.fromValues({ host: 'db.example', username: 'u', password: 'p', databaseName: 'orders' });
const links = [{ moduleName: 'rds', database }];

test('a chart on an aws-cdk-lib App is refused in the library\'s words', () => {
  expect(() => new PostgresLinkChart(new cdk.App() as any, 'orders-db', { namespace: 'orders', links, secretMode: LinkSecretMode.PLAIN }))
    .toThrow(/PostgresLinkChart at 'orders-db': invalid scope 'App at the root of 'orders-db''\. Allowed: a cdk8s App .*Fix: create the chart on a cdk8s App: new PostgresLinkChart\(new cdk8s\.App\(\)/);
});

const cases: [string, unknown, RegExp][] = [
  ['refreshInterval', 3600, /invalid refreshInterval 3600\. Allowed: an instance of Duration \(from cdk8s\), e\.g\. Duration\.hours\(1\) from cdk8s, not a number/],
  ['createNamespace', 'true', /invalid createNamespace 'true'\. Allowed: a boolean.*Fix: write createNamespace: true without quotes/],
  ['sslMode', 'VERIFY_FULL', /invalid sslMode 'VERIFY_FULL'\. Allowed: a member of SslMode/],
  ['links', links[0], /invalid links .*Allowed: an array, not a plain object/],
];
test.each(cases)('%s: %j', (prop, value, message) => {
  expect(() => new PostgresLinkChart(new cdk8s.App(), 'orders-db', { namespace: 'orders', links, secretMode: LinkSecretMode.PLAIN, [prop]: value } as any))
    .toThrow(message);
});

test('a link\'s readerHost', () => {
  expect(() => new PostgresLinkChart(new cdk8s.App(), 'orders-db', {
    namespace: 'orders', secretMode: LinkSecretMode.PLAIN, links: [{ moduleName: 'rds', database, readerHost: 'false' as any }],
  })).toThrow(/invalid links\[0\]\.readerHost 'false'\. Allowed: a boolean.*Fix: write readerHost: false without quotes/);
});
