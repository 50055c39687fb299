import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** A throwaway CA made with Debian's openssl, for the TLS tests: PEM files. */
export interface TestCa {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A self-signed CA (EC P-256, valid one day). */
export function makeCa(dir: string, name: string): TestCa {
  fs.mkdirSync(dir, { recursive: true });
  const keyFile = path.join(dir, `${name}.key`);
  const certFile = path.join(dir, `${name}.crt`);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', certFile,
    '-days', '1', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  return { keyFile, certFile, certPem: fs.readFileSync(certFile, 'utf8') };
}

/** A server certificate signed by `ca` for the given DNS names and IP addresses (serverAuth, valid one day). */
export function makeServerCert(ca: TestCa, dir: string, names: { dns: string[]; ips: string[] }): { certFile: string; keyFile: string } {
  const keyFile = path.join(dir, 'server.key');
  const csrFile = path.join(dir, 'server.csr');
  const certFile = path.join(dir, 'server.crt');
  const extFile = path.join(dir, 'server.ext');
  const san = [...names.dns.map(n => `DNS:${n}`), ...names.ips.map(ip => `IP:${ip}`)].join(',');
  fs.writeFileSync(extFile, `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${names.dns[0]}`], dir);
  openssl(['x509', '-req', '-in', csrFile, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial', '-out', certFile, '-days', '1', '-extfile', extFile], dir);
  return { certFile, keyFile };
}
