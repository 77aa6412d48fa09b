/** A failed URL test request, said the way an operator would. */
export function describeUrlTestError(error: unknown, timeoutMs: number): string {
  const code =
    typeof error === 'object' && error !== null && 'code' in error
      ? String((error as { code: unknown }).code)
      : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_SSRF' || message.startsWith('SSRF:'))
    return `Target not allowed: ${message.replace(/^SSRF:\s*/, '')}`;
  if (code === 'ETIMEDOUT' || /timeout|timed out/i.test(message)) return `No answer within ${timeoutMs} ms`;
  const connect = /^Bad response: (\d{3})/.exec(message);
  if (connect)
    return connect[1] === '407'
      ? 'Proxy refused the credentials (407)'
      : `Proxy refused the tunnel (CONNECT answered ${connect[1]})`;
  const socks = /Socks\d? proxy rejected connection - (\w+)/i.exec(message);
  if (socks)
    return socks[1] === 'ConnectionRefused'
      ? 'Connection refused by target'
      : `Proxy could not reach the target (SOCKS: ${socks[1]})`;
  if (/socks/i.test(message) && /auth/i.test(message)) return 'Proxy refused the credentials (SOCKS authentication)';
  switch (code) {
    case 'ECONNREFUSED':
      return 'Connection refused by proxy';
    case 'ECONNRESET':
      return 'Connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'Proxy unreachable';
    case 'ENOTFOUND':
      return 'Host name not found';
    default:
      return message.length > 0 ? message : 'Request failed';
  }
}

/** Statuses a proxy answers with when it, not the target, failed: the target counts as not reached. */
const PROXY_FAILURE_STATUS: Record<number, string> = {
  407: 'Proxy refused the credentials (407)',
  502: 'Proxy could not reach the target (502 Bad Gateway)',
  504: 'Proxy timed out reaching the target (504 Gateway Timeout)',
};

export function proxyFailureForStatus(status: number): string | undefined {
  return PROXY_FAILURE_STATUS[status];
}
