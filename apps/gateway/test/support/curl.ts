import { execFile } from 'node:child_process';

export interface CurlAnswer {
  /** Exit code of curl (0: the transfer worked; 56/97: the proxy refused). */
  code: number;
  /** The final response's status (0 when none). */
  status: number;
  /** Headers of every response curl printed, the CONNECT answer included, lower-cased names. */
  headers: Array<Record<string, string>>;
  body: string;
}

/** Runs the real curl with `args` (plus -s -i and a time limit) and takes its answer apart. */
export function curl(args: string[]): Promise<CurlAnswer> {
  return new Promise((resolve) => {
    execFile(
      'curl',
      ['-s', '-i', '--max-time', '10', '--noproxy', '', ...args],
      { encoding: 'latin1', env: { PATH: process.env.PATH ?? '' } },
      (error, stdout) => {
        const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
        const headers: Array<Record<string, string>> = [];
        let rest = stdout;
        let status = 0;
        while (/^HTTP\/[\d.]+ \d{3}/.test(rest)) {
          const end = rest.indexOf('\r\n\r\n');
          const head = end < 0 ? rest : rest.slice(0, end);
          rest = end < 0 ? '' : rest.slice(end + 4);
          const [statusLine = '', ...lines] = head.split('\r\n');
          status = Number(statusLine.split(' ')[1]);
          headers.push(
            Object.fromEntries(
              lines.map((line) => [
                line.slice(0, line.indexOf(':')).toLowerCase(),
                line.slice(line.indexOf(':') + 1).trim(),
              ]),
            ),
          );
        }
        resolve({ code, status, headers, body: rest });
      },
    );
  });
}

/** The last response's headers. */
export function lastHeaders(answer: CurlAnswer): Record<string, string> {
  return answer.headers[answer.headers.length - 1] ?? {};
}
