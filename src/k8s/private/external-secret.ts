import { Token } from 'aws-cdk-lib';
import { GO_URL_ENCODE } from './connection-url';
import { escapeGoTemplateLiteral, goTemplateReference } from './go-template';
import { ResolvedLink, TokenResolver, renderLiteral } from './link-variables';

/**
 * The API version of the ExternalSecret this library renders. External Secrets Operator v0.16.0 is the first
 * release that serves it (its CRDs: v1 served and stored, v1beta1 still served); v0.15.x serves only v1alpha1
 * and v1beta1, and from v0.17.0 on v1beta1 is no longer served.
 */
export const EXTERNAL_SECRET_API_VERSION = 'external-secrets.io/v1';

export interface ExternalSecretSpecOptions {
  readonly secretName: string;
  readonly storeName: string;
  readonly storeKind: string;
  readonly refreshInterval: string;
  readonly links: ResolvedLink[];
  /** Resolves CDK tokens (a cdk8s App with resolvers); without it they stay as they are (for CloudFormation). */
  readonly resolveToken?: TokenResolver;
}

/**
 * The `spec` of an ExternalSecret that writes one Secret whose keys are the links' env var names: values read
 * from Secrets Manager go through `spec.data` (`remoteRef.key` = secret ARN, `remoteRef.property` = JSON key)
 * and are printed by the template (percent-encoded inside the connection URL); every other value is an escaped
 * literal in the template.
 */
export function externalSecretSpec(options: ExternalSecretSpecOptions): Record<string, unknown> {
  const template: Record<string, string> = {};
  const data: Array<{ secretKey: string; remoteRef: { key: string; property: string } }> = [];
  const keys = new Map<string, string>();
  for (const link of options.links) {
    for (const v of link.variables) {
      template[v.envName] = v.parts.map(part => {
        if ('literal' in part) return escapeGoTemplateLiteral(renderLiteral(part, v.envName, options.resolveToken));
        // camelCase keys, as ESO recommends: a Go identifier usable as `{{ .key }}`. One entry per value read.
        const secretKey = `link${link.index}${part.secretProperty.charAt(0).toUpperCase()}${part.secretProperty.slice(1)}`;
        if (!keys.has(secretKey)) {
          keys.set(secretKey, part.secretProperty);
          const arn = link.database.secretArn!;
          const key = options.resolveToken && Token.isUnresolved(arn) ? options.resolveToken(arn, `links[${link.index}].database.secretArn`) : arn;
          data.push({ secretKey, remoteRef: { key, property: part.secretProperty } });
        }
        return part.urlEncoded ? `{{ .${secretKey} | ${GO_URL_ENCODE} }}` : goTemplateReference(secretKey);
      }).join('');
    }
  }
  return {
    refreshInterval: options.refreshInterval,
    secretStoreRef: { name: options.storeName, kind: options.storeKind },
    target: {
      name: options.secretName,
      creationPolicy: 'Owner',
      template: { engineVersion: 'v2', type: 'Opaque', data: template },
    },
    data,
  };
}
