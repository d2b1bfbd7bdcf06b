import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const OPENSSL = '/usr/bin/openssl';

export function opensslInstalled(): boolean {
  return existsSync(OPENSSL);
}

function openssl(args: string[]): void {
  const result = spawnSync(OPENSSL, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * A certificate authority of the test's own in `dir` (`ca.pem`, `ca.key`), and `issue(name, cn,
 * san?)` to sign a certificate with it (`<name>.pem`, `<name>.key`). Valid for a day.
 */
export function testAuthority(dir: string): {
  ca: string;
  issue(name: string, cn: string, san?: string): { cert: string; key: string };
} {
  const ca = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  openssl(['req', '-x509', ...EC_KEY, '-keyout', caKey, '-out', ca, '-days', '1', '-subj', '/CN=spinal-test-ca']);
  return {
    ca,
    issue(name, cn, san) {
      const key = join(dir, `${name}.key`);
      const csr = join(dir, `${name}.csr`);
      const cert = join(dir, `${name}.pem`);
      openssl(['req', ...EC_KEY, '-keyout', key, '-out', csr, '-subj', `/CN=${cn}`]);
      const sign = ['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-out', cert, '-days', '1'];
      if (!existsSync(join(dir, 'ca.srl'))) sign.push('-CAcreateserial');
      else sign.push('-CAserial', join(dir, 'ca.srl'));
      if (san) {
        const ext = join(dir, `${name}.ext`);
        writeFileSync(ext, `subjectAltName=${san}\n`);
        sign.push('-extfile', ext);
      }
      openssl(sign);
      return { cert, key };
    },
  };
}
