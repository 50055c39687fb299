/**
 * A duration in milliseconds as Go's `time.ParseDuration` reads it (what ESO's `refreshInterval` takes): `1h`,
 * `1h30m`, `90s`, `0s`. Undefined when the duration is not a whole number of seconds, 0 or more.
 */
export function goDuration(milliseconds: number): string | undefined {
  const ms = milliseconds;
  if (!Number.isInteger(ms) || ms < 0 || ms % 1000 !== 0) return undefined;
  let seconds = ms / 1000;
  if (seconds === 0) return '0s';
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  return `${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}${seconds ? `${seconds}s` : ''}`;
}
