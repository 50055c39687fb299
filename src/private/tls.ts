import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { throwPropError } from './errors';

/** The Aurora PostgreSQL cluster parameter that refuses connections without TLS when it is 1 (default 0). */
export const FORCE_SSL = 'rds.force_ssl';

/**
 * Validates and returns the cluster parameters: the user's `parameters` with `rds.force_ssl` set from `requireTls` ('1' when TLS is
 * required; '0', the engine default, written out when it is not, so that turning it off takes effect). A
 * `parameters['rds.force_ssl']` that says otherwise is refused.
 */
export function validateClusterParameters(scope: IConstruct, requireTls: boolean,
  parameters: { [name: string]: string } | undefined): { [name: string]: string } {
  const wanted = requireTls ? '1' : '0';
  const given = parameters?.[FORCE_SSL];
  if (given !== undefined && !Token.isUnresolved(given) && given !== wanted) {
    throwPropError(scope, {
      code: 'FORCE_SSL_CONTRADICTS_REQUIRE_TLS',
      prop: `parameters['${FORCE_SSL}']`,
      value: given,
      allowed: requireTls
        ? `'1' or nothing while requireTls is true (the default), which sets ${FORCE_SSL} to 1 so that the server refuses connections without TLS`
        : `'0' or nothing with requireTls: false, which accepts connections without TLS; '${given}' contradicts it`,
      fix: requireTls
        ? `drop parameters['${FORCE_SSL}']; to accept connections without TLS (local development only), set requireTls: false instead`
        : `drop parameters['${FORCE_SSL}'] and drop requireTls: false (the default true sets ${FORCE_SSL} to 1)`,
    });
  }
  return { ...parameters, [FORCE_SSL]: wanted };
}
