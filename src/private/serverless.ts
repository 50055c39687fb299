import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';
import { throwPropError } from './errors';

/** The `instanceClass` value that selects Aurora Serverless v2 instances (`db.serverless`). */
export const SERVERLESS = 'serverless';

/** The Serverless v2 capacity props, as the user gave them (named as in the public props). */
export interface ServerlessProps {
  readonly serverlessV2MinCapacity?: number;
  readonly serverlessV2MaxCapacity?: number;
  readonly serverlessV2AutoPauseDuration?: Duration;
}

/** The oldest minor version of each major that supports a 0 ACU minimum (auto-pause). */
const AUTO_PAUSE_SINCE: Record<number, number> = { 13: 15, 14: 12, 15: 7, 16: 3 };

/** Whether an Aurora PostgreSQL version supports auto-pause; undefined when the version is a token. */
export function supportsAutoPause(fullVersion: string): boolean | undefined {
  if (Token.isUnresolved(fullVersion)) return undefined;
  const [major, minor] = fullVersion.split('.').map(Number);
  if (major > 16) return true;
  const since = AUTO_PAUSE_SINCE[major];
  return since !== undefined && minor >= since;
}

/**
 * Validates the Serverless v2 capacity props and returns the cluster props for them (nothing for provisioned
 * instances, where giving them is an error).
 */
export function serverlessScaling(scope: IConstruct, serverless: boolean, version: rds.AuroraPostgresEngineVersion,
  global: boolean, props: ServerlessProps): Partial<rds.DatabaseClusterProps> {
  const given = (['serverlessV2MinCapacity', 'serverlessV2MaxCapacity', 'serverlessV2AutoPauseDuration'] as const)
    .filter(p => props[p] !== undefined);
  if (!serverless) {
    if (given.length > 0) {
      throwPropError(scope, {
        prop: given[0],
        value: String(props[given[0]]),
        allowed: "only with instanceClass: 'serverless' (Aurora Serverless v2)",
        fix: `set instanceClass: 'serverless', or drop ${given.join(', ')}`,
      });
    }
    return {};
  }
  const min = props.serverlessV2MinCapacity ?? 0.5;
  const max = props.serverlessV2MaxCapacity ?? 2;
  const capacity = (prop: string, value: number, lowest: number) => {
    if (!Token.isUnresolved(value) && (value < lowest || value > 256 || !Number.isInteger(value * 2))) {
      throwPropError(scope, {
        prop,
        value,
        allowed: `${lowest} to 256 Aurora capacity units in steps of 0.5`,
        fix: `choose e.g. ${prop === 'serverlessV2MinCapacity' ? '0.5 (or 0 to pause when idle)' : '2, 4 or 16'}`,
      });
    }
  };
  capacity('serverlessV2MinCapacity', min, 0);
  capacity('serverlessV2MaxCapacity', max, 1);
  if (!Token.isUnresolved(min) && !Token.isUnresolved(max) && min > max) {
    throwPropError(scope, {
      prop: 'serverlessV2MinCapacity',
      value: min,
      allowed: `at most serverlessV2MaxCapacity (${max})`,
      fix: 'lower serverlessV2MinCapacity or raise serverlessV2MaxCapacity',
    });
  }
  if (min === 0) {
    const fullVersion = version.auroraPostgresFullVersion;
    if (supportsAutoPause(fullVersion) === false) {
      throwPropError(scope, {
        prop: 'serverlessV2MinCapacity',
        value: 0,
        allowed: `0 (auto-pause) only on Aurora PostgreSQL 13.15, 14.12, 15.7, 16.3 or newer; this cluster runs ${fullVersion}`,
        fix: 'upgrade engineVersion, or use a minimum of 0.5',
      });
    }
    if (global) {
      Annotations.of(scope).addWarningV2('cdk-aurora-postgres:autoPauseGlobal',
        'serverlessV2MinCapacity 0 on an Aurora Global Database member: replication keeps instances busy, so they may never pause; check the Aurora auto-pause documentation for global databases.');
    }
  } else if (props.serverlessV2AutoPauseDuration !== undefined) {
    throwPropError(scope, {
      prop: 'serverlessV2AutoPauseDuration',
      value: props.serverlessV2AutoPauseDuration.toHumanString(),
      allowed: 'only with serverlessV2MinCapacity: 0 (instances pause only when they can scale to zero)',
      fix: 'set serverlessV2MinCapacity: 0, or drop serverlessV2AutoPauseDuration',
    });
  }
  const pause = props.serverlessV2AutoPauseDuration;
  if (pause && !pause.isUnresolved() && (pause.toSeconds() < 300 || pause.toSeconds() > 86_400)) {
    throwPropError(scope, {
      prop: 'serverlessV2AutoPauseDuration',
      value: pause.toHumanString(),
      allowed: '5 minutes to 24 hours',
      fix: 'use e.g. Duration.minutes(5) or Duration.hours(1)',
    });
  }
  return { serverlessV2MinCapacity: min, serverlessV2MaxCapacity: max, serverlessV2AutoPauseDuration: pause };
}
