import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { throwPropError } from '../../private/errors';
import { RDS_CA_SOURCE, RDS_PROXY_ROOTS, RDS_REGION_ROOTS, RdsCaCertificate } from '../../private/rds-ca-data';

export { RDS_CA_SOURCE };

/**
 * The region of an Amazon RDS or RDS Proxy host name (`<name>.cluster-<id>.<region>.rds.amazonaws.com`,
 * `<name>.proxy-<id>.<region>.rds.amazonaws.com`, `....rds.amazonaws.com.cn`), or undefined for any other host.
 */
export function regionOfHost(host: string): string | undefined {
  const match = /\.([a-z]{2}(?:-[a-z]+)+-\d+)\.rds\.amazonaws\.com(?:\.cn)?\.?$/.exec(host.toLowerCase());
  return match?.[1];
}

/** The region of a Secrets Manager secret ARN, or undefined. */
export function regionOfArn(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:[a-z-]+:([a-z]{2}(?:-[a-z]+)+-\d+):/.exec(arn)?.[1];
}

/** The partitions whose RDS CAs this package does not carry (their CAs are published apart). */
export function otherPartition(region: string): 'aws-us-gov' | 'aws-cn' | undefined {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  return undefined;
}

/** The commercial regions whose RDS roots the package carries. */
export function knownRegions(): string[] {
  return Object.keys(RDS_REGION_ROOTS);
}

/** Where AWS publishes a region's RDS CA bundle. */
export function regionalBundleUrl(region: string): string {
  if (region.startsWith('us-gov-')) return `https://truststore.pki.${region}.rds.amazonaws.com/${region}/${region}-bundle.pem`;
  if (region.startsWith('cn-')) return `https://truststore.pki.rds.amazonaws.com.cn/${region}/${region}-bundle.pem`;
  return `https://truststore.pki.rds.amazonaws.com/${region}/${region}-bundle.pem`;
}

/**
 * The PEM bundle: the RDS roots of the given regions (each must be in `knownRegions()`), of every commercial region
 * when `regions` is undefined, and the RDS Proxy roots unless no link goes through a proxy (`proxyRoots`).
 */
export function rdsCaBundle(regions?: readonly string[], proxyRoots: boolean = true): string {
  const chosen = regions ?? knownRegions();
  const certs: RdsCaCertificate[] = [...chosen.flatMap(r => RDS_REGION_ROOTS[r] ?? []), ...proxyRoots ? RDS_PROXY_ROOTS : []];
  // PEM blocks only: some readers (Java's CertificateFactory) do not skip text between them.
  return certs.map(c => `${c.pem}\n`).join('');
}

/** Whether a link may reach its database through an RDS Proxy: only a link that says it does not, does not. */
export function mayUseProxy(link: { readonly rdsProxy?: boolean }): boolean {
  return link.rdsProxy !== false;
}

/** Where a link's database is, as far as the chart can tell (narrow: no DatabaseLink). */
export interface LinkLocation {
  readonly index: number;
  readonly host: string;
  readonly readerHost?: string;
  readonly secretArn?: string;
}

/**
 * The regions of the links, for the CA bundle: from a literal host name, else the stack of a CDK token host
 * (`stackRegion`), else a literal secret ARN. Undefined when any link's region is unknown (then the whole bundle,
 * with a warning). A region whose RDS CAs the package does not carry (GovCloud, China, a region newer than the data)
 * is refused: a bundle without its roots fails every verified connection there.
 */
export function linkRegions(scope: IConstruct, links: readonly LinkLocation[],
  stackRegion: (token: string) => string | undefined): string[] | undefined {
  const regions: string[] = [];
  let unknown = false;
  for (const link of links) {
    const of = (value: string | undefined, fromLiteral: (v: string) => string | undefined) => (value === undefined ? undefined
      : Token.isUnresolved(value) ? stackRegion(value) : fromLiteral(value));
    const region = of(link.host, regionOfHost) ?? of(link.readerHost, regionOfHost) ?? of(link.secretArn, regionOfArn);
    if (region === undefined) {
      unknown = true;
      continue;
    }
    if (!(region in RDS_REGION_ROOTS)) {
      const partition = otherPartition(region);
      throwPropError(scope, {
        code: 'CHART_CA_REGION_UNKNOWN',
        prop: `links[${link.index}].database`,
        value: `a database in ${region}`,
        allowed: `a region whose Amazon RDS CAs the chart carries (${RDS_CA_SOURCE}: ${knownRegions().join(', ')}); ${partition
          ? `${region} is in the ${partition} partition, whose RDS CAs AWS publishes apart`
          : `${region} is newer than that data`}, and a bundle without its roots would fail every verified connection`,
        fix: `download AWS's bundle for ${region} (${regionalBundleUrl(region)}), put it in a ConfigMap of the namespace and name it with caConfigMapName (and caConfigMapKey)`,
      });
    }
    if (!regions.includes(region)) regions.push(region);
  }
  return unknown ? undefined : regions.sort();
}
