import { Testing } from 'cdk8s';
import { parse as parseConnectionString } from 'pg-connection-string';
import { goAvailable, renderEsoTemplates } from './eso-template';
import { ARN_EAST, HOSTILE_PASSWORD, URL_PASSWORDS, find, objectsOf } from './fixtures';
import { DatabaseLink, PostgresLinkChart } from '../../src';
import { GO_URL_ENCODE, percentEncode } from '../../src/k8s/private/connection-url';

// The connection URL through External Secrets Operator's own template engine (Go text/template + sprig, built from
// Debian's packages): the chart's templates render to exactly what the chart renders inline.
describe('the connection URL in ESO\'s template engine', () => {
  (goAvailable ? test : test.skip)("ESO's engine encodes exactly as the chart does (Go urlquery, then + -> %20)", () => {
    // GIVEN
    const templates = Object.fromEntries(URL_PASSWORDS.map((_, i) => [`k${i}`, `{{ .p${i} | ${GO_URL_ENCODE} }}`]));
    const data = Object.fromEntries(URL_PASSWORDS.map((p, i) => [`p${i}`, p]));

    // WHEN
    const rendered = renderEsoTemplates(templates, data);

    // THEN
    expect(URL_PASSWORDS.map((_, i) => rendered[`k${i}`])).toEqual(URL_PASSWORDS.map(percentEncode));
  });

  (goAvailable ? test : test.skip)('EXTERNAL_SECRET: assembled by the template from the values read, never holding them in the manifest', () => {
    // GIVEN
    const link = DatabaseLink.fromValues({ host: 'orders.cluster-c1a2b3.us-east-1.rds.amazonaws.com', secretArn: ARN_EAST });
    const spec = find(objectsOf(new PostgresLinkChart(Testing.app(), 'orders-db', { namespace: 'orders', links: [{ moduleName: 'rds', database: link }] })), 'ExternalSecret').spec;
    const user = 'app user+1';
    // node-postgres decodes the database name with decodeURI, which leaves %2F %3F %23 %40 %2B etc. encoded
    // (libpq decodes them); PostgreSQL and RDS database names rarely hold them.
    const dbname = 'orders ä';

    // WHEN
    const { rds_db_url: url } = renderEsoTemplates({ rds_db_url: spec.target.template.data.rds_db_url },
      { link0Username: user, link0Password: HOSTILE_PASSWORD, link0Dbname: dbname });

    // THEN
    expect(url).toBe(`postgresql://app%20user%2B1:${percentEncode(HOSTILE_PASSWORD)}@orders.cluster-c1a2b3.us-east-1.rds.amazonaws.com:5432/orders%20%C3%A4?sslmode=verify-full&sslrootcert=/etc/rds-ca/ca.pem`);
    expect(parseConnectionString(url.replace(/&sslrootcert=[^&]*/, ''))).toMatchObject({ user, password: HOSTILE_PASSWORD, database: dbname });
  });

});
