/**
 * RFC 3986 percent-encoding of a URL's user, password and database name: every byte of the UTF-8 form except
 * the unreserved characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`. This is exactly what Go's `urlquery` (as
 * `url.QueryEscape`) followed by `replace "+" "%20"` produces (see GO_URL_ENCODE), so a URL reads the same
 * whether the chart writes it (PLAIN) or External Secrets Operator's template does.
 */
export function percentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A query value that is a file path: percent-encoded like `percentEncode`, keeping `/`. */
export function percentEncodePath(value: string): string {
  return value.split('/').map(percentEncode).join('/');
}

/**
 * The Go template pipeline that percent-encodes a value the way `percentEncode` does: Go's `urlquery` escapes
 * every byte but the unreserved ones and writes a space as `+` (a literal `+` is already `%2B`), and sprig's
 * `replace` turns that `+` into `%20`, since a `+` in a URL's user or password part is a literal `+`.
 */
export const GO_URL_ENCODE = 'urlquery | replace "+" "%20"';
