import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { CDK_DURATION, RuntimeType, validateInCdk8sApp, validatePropTypes } from '../../private/runtime-checks';
import { SslMode } from '../ssl-mode';

const CDK8S_DURATION: RuntimeType = { className: 'Duration (from cdk8s)', members: ['toSeconds'], example: 'Duration.hours(1) from cdk8s' };

/**
 * The run-time types of `PostgresLinkChartProps` for JavaScript (and other jsii) callers: the chart is inside a
 * cdk8s App, and each prop (and each link's) that the chart does not validate itself has its type. The first step of
 * `validateLinkChartProps`.
 */
export function validateLinkChartPropTypes(chart: IConstruct, props: unknown): void {
  validateInCdk8sApp(chart, root => root instanceof App || typeof (root as { synthYaml?: unknown }).synthYaml === 'function');
  validatePropTypes(chart, props, {
    namespace: 'string',
    links: 'array',
    secretName: 'string',
    secretStoreName: 'string',
    secretRefreshInterval: CDK_DURATION,
    refreshInterval: CDK8S_DURATION,
    serviceAccountName: 'string',
    createNamespace: 'boolean',
    deployThroughEks: 'boolean',
    labels: 'object',
    sslMode: { enumName: 'SslMode', values: SslMode as any },
    caConfigMapName: 'string',
    caConfigMapKey: 'string',
    caBundlePath: 'string',
  });
  const links = (props as { links?: unknown[] }).links ?? [];
  // secretMode, secretStoreKind, a link that is not an object, its database, envNames and rename: the chart validates them.
  links.forEach((link, i) => {
    if (typeof link === 'object' && link !== null) {
      validatePropTypes(chart, link, { moduleName: 'string', libpqVariables: 'boolean', includeReaderHost: 'boolean', readerHost: 'boolean' }, `links[${i}]`);
    }
  });
}

/** The run-time types of `LinkWorkloadOptions` (`chart.linkWorkload(workload, options)`). */
export function validateLinkWorkloadOptions(chart: IConstruct, options: unknown): void {
  validatePropTypes(chart, options, { containers: 'array', podSpecPath: 'string', restartOnSecretChange: 'boolean' }, 'options');
}
