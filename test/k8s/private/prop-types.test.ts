// Run-time checks of PostgresLinkChart for JavaScript (and other jsii) callers: the scope must be inside a cdk8s
// App, and each prop (and each link's) has its type.
import * as cdk from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { DatabaseLink, LinkSecretMode, PostgresLinkChart } from '../../../src';

const database = DatabaseLink.fromValues({ host: 'db.example', username: 'u', password: 'p', databaseName: 'orders' });
const links = [{ moduleName: 'rds', database }];

test('a chart on an aws-cdk-lib App is refused in the library\'s words', () => {
  // GIVEN
  const app = new cdk.App() as any;

  // WHEN
  const create = () => new PostgresLinkChart(app, 'orders-db', { namespace: 'orders', links, secretMode: LinkSecretMode.PLAIN });

  // THEN
  expect(create).toThrow(/PostgresLinkChart at 'orders-db': invalid scope 'App at the root of 'orders-db''\. Allowed: a cdk8s App .*Fix: create the chart on a cdk8s App: new PostgresLinkChart\(new cdk8s\.App\(\)/);
});

const cases: [string, unknown, RegExp][] = [
  ['refreshInterval', 3600, /invalid refreshInterval 3600\. Allowed: an instance of Duration \(from cdk8s\), e\.g\. Duration\.hours\(1\) from cdk8s, not a number/],
  ['secretRefreshInterval', 3600, /invalid secretRefreshInterval 3600\. Allowed: an instance of Duration, e\.g\. Duration\.days\(7\), not a number/],
  ['createNamespace', 'true', /invalid createNamespace 'true'\. Allowed: a boolean.*Fix: write createNamespace: true without quotes/],
  ['sslMode', 'VERIFY_FULL', /invalid sslMode 'VERIFY_FULL'\. Allowed: a member of SslMode/],
  ['links', links[0], /invalid links .*Allowed: an array, not a plain object/],
];
test.each(cases)('%s: %j', (prop, value, message) => {
  // GIVEN
  const props = { namespace: 'orders', links, secretMode: LinkSecretMode.PLAIN, [prop]: value } as any;

  // WHEN
  const create = () => new PostgresLinkChart(new cdk8s.App(), 'orders-db', props);

  // THEN
  expect(create).toThrow(message);
});

test.each(['includeReaderHost', 'readerHost'])('a link\'s %s', (prop) => {
  // GIVEN
  const link = { moduleName: 'rds', database, [prop]: 'false' } as any;

  // WHEN
  const create = () => new PostgresLinkChart(new cdk8s.App(), 'orders-db', { namespace: 'orders', secretMode: LinkSecretMode.PLAIN, links: [link] });

  // THEN
  expect(create).toThrow(new RegExp(`invalid links\\[0\\]\\.${prop} 'false'\\. Allowed: a boolean.*Fix: write ${prop}: false without quotes`));
});
