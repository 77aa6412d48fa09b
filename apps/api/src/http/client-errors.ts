import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError, type ErrorCode } from '../errors.js';
import { errorBody } from './error-handler.js';

/** Node's parser errors (`err.code`) that get an answer other than 400. */
const CLIENT_ERROR_ANSWERS: Record<string, { code: ErrorCode; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    code: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
    message: 'The request headers are too large (16 KB in all at most).',
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { code: 'PAYLOAD_TOO_LARGE', message: 'The chunk extensions are too large.' },
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'REQUEST_TIMEOUT', message: 'The request did not arrive in time.' },
};

/**
 * Answers requests Node's HTTP parser refuses before Express sees them (headers over 16 KB, malformed request
 * lines or headers) in the API's error envelope instead of Node's bare status line, then closes the
 * connection (its stream can no longer be parsed).
 */
export function answerClientErrorsInEnvelope(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // The same checks Node's own handler makes: nothing to answer on a dead socket or mid-response.
    const busy = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (error.code === 'ECONNRESET' || !socket.writable || busy) return void socket.destroy();
    const answer = CLIENT_ERROR_ANSWERS[error.code ?? ''] ?? {
      code: 'BAD_REQUEST' as const,
      message: 'The request is not valid HTTP.',
    };
    const appError = new AppError(answer.code, answer.message);
    const body = JSON.stringify(errorBody(appError));
    socket.end(
      `HTTP/1.1 ${appError.status} ${STATUS_CODES[appError.status] ?? ''}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}
