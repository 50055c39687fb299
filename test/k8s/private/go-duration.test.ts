import { Duration } from 'cdk8s';
import { goDuration } from '../../../src/k8s/private/go-duration';

test.each([
  [Duration.hours(1), '1h'],
  [Duration.minutes(90), '1h30m'],
  [Duration.seconds(3661), '1h1m1s'],
  [Duration.seconds(45), '45s'],
  [Duration.days(1), '24h'],
  [Duration.seconds(0), '0s'],
])('%p is %p', (duration, text) => {
  // GIVEN
  const milliseconds = duration.toMilliseconds();

  // WHEN
  const written = goDuration(milliseconds);

  // THEN
  expect(written).toBe(text);
});

test('sub-second durations have no Go duration here', () => {
  // GIVEN
  const milliseconds = Duration.millis(1500).toMilliseconds();

  // WHEN
  const written = goDuration(milliseconds);

  // THEN
  expect(written).toBeUndefined();
});
