/** One small list per built-in format, on loopback addresses under a per-run random 127.N.0.0/16. */
export function formatLists(): Record<
  'plaintext' | 'json' | 'csv' | 'html-table',
  { body: string; contentType: string; expected: string[] }
> {
  const n = 100 + Math.floor(Math.random() * 150);
  const ip = (group: number, host: number) => `127.${n}.${group}.${host}`;
  return {
    plaintext: {
      body: `# free proxies\n${ip(0, 1)}:8080\nsocks5://user:secret@${ip(0, 2)}:1080\n\n${ip(0, 3)}:3128 US elite\nnot-a-proxy\n`,
      contentType: 'text/plain',
      expected: [`${ip(0, 1)}:8080/http`, `${ip(0, 2)}:1080/socks5`, `${ip(0, 3)}:3128/http`],
    },
    json: {
      body: JSON.stringify([
        { ip: ip(1, 1), port: 8080, protocol: 'socks4' },
        { ip: ip(1, 2), port: '3128' },
      ]),
      contentType: 'application/json',
      expected: [`${ip(1, 1)}:8080/socks4`, `${ip(1, 2)}:3128/http`],
    },
    csv: {
      body: `ip,port,protocol\n${ip(2, 1)},8080,http\n${ip(2, 2)},1080,socks5\n${ip(2, 3)},99999,http\n`,
      contentType: 'text/csv',
      expected: [`${ip(2, 1)}:8080/http`, `${ip(2, 2)}:1080/socks5`],
    },
    'html-table': {
      body: `<html><body><table><tr><th>IP Address</th><th>Port</th></tr><tr><td>${ip(3, 1)}</td><td>8080</td></tr><tr><td>${ip(3, 2)}</td><td>3128</td></tr></table></body></html>`,
      contentType: 'text/html',
      expected: [`${ip(3, 1)}:8080/http`, `${ip(3, 2)}:3128/http`],
    },
  };
}
