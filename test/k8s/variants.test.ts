import { X509Certificate, createHash } from 'crypto';
import { Testing } from 'cdk8s';
import { K8sObject, PLACEHOLDER_VARIANTS, VARIANTS, fullChart, localLink, objectsOf as render, variantChart, variantLink } from './fixtures';
import { LinkSecretMode, PostgresLinkChart } from '../../src';

// The manifests of every variant of the CDK construct, in each mode. Snapshots are reviewed by hand.

/**
 * The objects, with a rendered Amazon RDS CA bundle (its content is checked in rds-ca.test.ts) shown by its
 * certificates' names and its digest, so that the snapshots stay readable.
 */
function objectsOf(chart: PostgresLinkChart): K8sObject[] {
  const summary = (bundle: string) => {
    const names = bundle.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)!
      .map(pem => /CN=(.*)/.exec(new X509Certificate(pem).subject)![1]);
    return `<CA bundle, ${names.length} certificates, sha256 ${createHash('sha256').update(bundle).digest('hex').slice(0, 16)}: ${names.join('; ')}>`;
  };
  return render(chart).map(o => (o.kind === 'ConfigMap' && chart.rendersCaConfigMap ? { ...o, data: { 'ca.pem': summary(o.data['ca.pem']) } } : o));
}
describe.each(VARIANTS)('variant %s', (variant) => {
  const readsSecret = !PLACEHOLDER_VARIANTS.includes(variant);

  test(`EXTERNAL_SECRET renders ${readsSecret ? 'an ExternalSecret' : 'a plain Secret (nothing to read)'}`, () => {
    // GIVEN
    const chart = variantChart(variant, LinkSecretMode.EXTERNAL_SECRET);

    // WHEN
    const objects = objectsOf(chart);

    // THEN
    expect(objects.map(o => o.kind)).toEqual([readsSecret ? 'ExternalSecret' : 'Secret', 'ConfigMap']);
    expect(variantLink(variant).readsSecret).toBe(readsSecret);
    expect(objects).toMatchSnapshot();
  });

  if (readsSecret) {
    test('PLAIN is refused: the link reads from a secret', () => {
      // GIVEN
      const mode = LinkSecretMode.PLAIN;

      // WHEN
      const create = () => variantChart(variant, mode);

      // THEN
      expect(create).toThrow(/\[CHART_PLAIN_READS_SECRET\]/);
    });
  } else {
    test('PLAIN renders the placeholders as they are', () => {
      // GIVEN
      const chart = variantChart(variant, LinkSecretMode.PLAIN);

      // WHEN
      const objects = objectsOf(chart);

      // THEN
      expect(objects).toEqual(objectsOf(variantChart(variant, LinkSecretMode.EXTERNAL_SECRET)));
      expect(objects).toMatchSnapshot();
    });
  }
});

test('PLAIN, a link from values (local development)', () => {
  // GIVEN
  const chart = new PostgresLinkChart(Testing.app(), 'orders-db', {
    namespace: 'orders', secretMode: LinkSecretMode.PLAIN, links: [{ moduleName: 'rds', database: localLink('local-only-password') }],
  });

  // WHEN
  const objects = objectsOf(chart);

  // THEN
  expect(objects).toMatchSnapshot();
});

test.each([LinkSecretMode.EXTERNAL_SECRET, LinkSecretMode.PLAIN])('every option at once, %s', (mode) => {
  // GIVEN
  const chart = fullChart(mode);

  // WHEN
  const objects = objectsOf(chart);

  // THEN
  expect(objects).toMatchSnapshot();
});
