/**
 * Keeps a green test run quiet: what the library and its dependencies print on purpose in scenarios the tests set
 * up deliberately (a chart whose region is unknown, a Secrets Manager request that must time out, the provisioning
 * function's own log lines). Anything else still prints. Tests that assert a message spy on the console themselves
 * (jest.spyOn replaces this filter for that test).
 */
const EXPECTED = [
  /^\[WARNING\] PostgresLinkChart at '[^']*': the region of a link is not known at synth/,
  /^@smithy\/node-http-handler - \[WARN\] a request has exceeded the configured \d+ ms requestTimeout/,
];

for (const level of ['warn', 'log'] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && EXPECTED.some(e => e.test(args[0] as string))) return;
    original(...args);
  };
}
