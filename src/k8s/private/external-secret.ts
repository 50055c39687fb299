import { escapeGoTemplateLiteral, goTemplateReference } from './go-template';
import { ResolvedLink } from './link-variables';

/** The API version of the ExternalSecret this library renders (served by External Secrets Operator 0.16+). */
export const EXTERNAL_SECRET_API_VERSION = 'external-secrets.io/v1';

export interface ExternalSecretSpecOptions {
  readonly secretName: string;
  readonly storeName: string;
  readonly storeKind: string;
  readonly refreshInterval: string;
  readonly links: ResolvedLink[];
}

/**
 * The `spec` of an ExternalSecret that writes one Secret whose keys are the links' env var names: values read
 * from Secrets Manager go through `spec.data` (`remoteRef.key` = secret ARN, `remoteRef.property` = JSON key)
 * and are printed by the template; every other value is an escaped literal in the template.
 */
export function externalSecretSpec(options: ExternalSecretSpecOptions): Record<string, unknown> {
  const template: Record<string, string> = {};
  const data: Array<{ secretKey: string; remoteRef: { key: string; property: string } }> = [];
  for (const link of options.links) {
    for (const v of link.variables) {
      if (v.secretProperty !== undefined) {
        // camelCase keys, as ESO recommends: a Go identifier usable as `{{ .key }}`.
        const secretKey = `link${link.index}${v.secretProperty.charAt(0).toUpperCase()}${v.secretProperty.slice(1)}`;
        data.push({ secretKey, remoteRef: { key: link.database.secretArn!, property: v.secretProperty } });
        template[v.envName] = goTemplateReference(secretKey);
      } else {
        template[v.envName] = escapeGoTemplateLiteral(v.literal!);
      }
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
