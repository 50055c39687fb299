import { Reference, Stack, Token, Tokenization } from 'aws-cdk-lib';
import { ApiObject, App, ImplicitTokenResolver, IResolver, LazyResolver, NumberStringUnionResolver, ResolutionContext } from 'cdk8s';
import { IConstruct } from 'constructs';
import { throwInputError } from '../../private/errors';

/** Whether the cdk8s App has resolvers of its own (e.g. `@cdk8s/awscdk-resolver`'s AwsCdkResolver), not only cdk8s' defaults. */
export function hasCustomResolvers(scope: IConstruct): boolean {
  const resolvers: IResolver[] = App.of(scope).resolvers ?? [];
  return resolvers.some(r => !(r instanceof LazyResolver || r instanceof ImplicitTokenResolver || r instanceof NumberStringUnionResolver));
}

/** What `@cdk8s/awscdk-resolver` writes instead of a value it could not fetch (it does not throw, by design). */
const AWSCDK_RESOLVER_FAILURE = 'Failed fetching value for output ';

/**
 * Resolves one CDK token string with the App's resolvers, as cdk8s does for a value of `apiObject`, so that a value
 * made of several parts (the connection URL) can be assembled from the resolved parts. Throws when no resolver
 * resolved it, or when the AWS CDK resolver reports that it could not fetch the output.
 */
export function resolveTokenWithApp(apiObject: ApiObject, key: string[], token: string, where: string, what: string): string {
  const context = new ResolutionContext(apiObject, key, token);
  let value: unknown = token;
  for (const resolver of App.of(apiObject).resolvers) {
    resolver.resolve(context);
    if (context.replaced) {
      value = context.replacedValue;
      break;
    }
  }
  if (typeof value !== 'string' || Token.isUnresolved(value)) {
    throwInputError(where, {
      code: 'CHART_TOKEN_UNRESOLVED',
      prop: what,
      value: '<a CDK token that no resolver of this cdk8s App resolved>',
      allowed: "a CDK token that one of the App's resolvers resolves",
      fix: "add new AwsCdkResolver() (@cdk8s/awscdk-resolver) to the App's resolvers, with a CfnOutput in the stack whose value is exactly that token (AuroraPostgres adds them: <moduleName>DbHost, <moduleName>DbSecretArn ...), or build the link with DatabaseLink.fromCdkOutputs",
    });
  }
  if (value.startsWith(AWSCDK_RESOLVER_FAILURE)) {
    throwInputError(where, {
      code: 'CHART_TOKEN_NOT_DEPLOYED',
      prop: what,
      value,
      allowed: 'a value the AWS CDK resolver can read from the deployed stack: the AWS CDK resolver could not read the deployed value',
      fix: 'deploy the stack (cdk deploy) before cdk8s synth, with AWS credentials and region for its account',
    });
  }
  return value;
}

/**
 * The AWS region of the stack that a CDK token refers to (`AuroraPostgres.link.host` is a `Fn::GetAtt` of the
 * cluster or proxy: a Reference whose target lives in that stack), or undefined when the token is no such
 * reference or the stack is environment-agnostic.
 */
export function stackRegionOfToken(value: string): string | undefined {
  const token = Tokenization.reverseString(value).firstToken;
  if (!(token instanceof Reference)) return undefined;
  const region = Stack.of(token.target).region;
  return Token.isUnresolved(region) ? undefined : region;
}
