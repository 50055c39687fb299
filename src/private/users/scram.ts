import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'crypto';

/** PostgreSQL's default SCRAM iteration count (scram_iterations). */
const ITERATIONS = 4096;

/**
 * The password as PostgreSQL's SASLprep sees it. Printable ASCII (every password Secrets Manager generates) is used
 * as it is; other text is NFKC-normalized with non-ASCII spaces mapped to a space and soft hyphens and zero-width
 * characters dropped, which is what SASLprep does to the passwords clients send in practice.
 */
function saslPrep(password: string): string {
  if (/^[\x20-\x7e]*$/.test(password)) return password;
  return password
    .replace(/[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000]/g, ' ')
    .replace(/[\u00ad\u034f\u1806\u180b-\u180d\u200c\u200d\u2060\ufe00-\ufe0f\ufeff]/g, '')
    .normalize('NFKC');
}

/**
 * A SCRAM-SHA-256 verifier for `password`, in the form PostgreSQL stores (`SCRAM-SHA-256$<iterations>:<salt>$
 * <StoredKey>:<ServerKey>`, RFC 5802/7677). `CREATE ROLE ... PASSWORD '<verifier>'` stores it as it is, so the
 * password itself never reaches the server, its statement log or its error messages.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = ITERATIONS): string {
  const salted = pbkdf2Sync(Buffer.from(saslPrep(password), 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
