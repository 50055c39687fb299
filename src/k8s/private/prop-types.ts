import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { RuntimeType, checkInCdk8sApp, validatePropTypes as checkPropTypes } from '../../private/runtime-checks';
import { SslMode } from '../ssl-mode';

const CDK8S_DURATION: RuntimeType = { className: 'Duration (from cdk8s)', members: ['toSeconds'], example: 'Duration.hours(1) from cdk8s' };

/**
 * The run-time checks of `PostgresLinkChartProps` for JavaScript (and other jsii) callers: the chart is inside a
 * cdk8s App, and each prop (and each link's) that the chart does not check itself has its type. One line at the top of the chart's constructor.
 */
export function checkLinkChartProps(chart: IConstruct, props: unknown): void {
  checkInCdk8sApp(chart, root => root instanceof App || typeof (root as { synthYaml?: unknown }).synthYaml === 'function');
  checkPropTypes(chart, props, {
    namespace: 'string',
    links: 'array',
    secretName: 'string',
    secretStoreName: 'string',
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
  // secretMode, secretStoreKind, a link that is not an object, its database and its rename: the chart checks them.
  links.forEach((link, i) => {
    if (typeof link === 'object' && link !== null) {
      checkPropTypes(chart, link, { moduleName: 'string', libpqVariables: 'boolean', readerHost: 'boolean' }, `links[${i}]`);
    }
  });
}

/** The run-time checks of `LinkWorkloadOptions` (`chart.linkWorkload(workload, options)`). */
export function checkLinkWorkloadOptions(chart: IConstruct, options: unknown): void {
  checkPropTypes(chart, options, { containers: 'array', podSpecPath: 'string', restartOnSecretChange: 'boolean' }, 'options');
}
