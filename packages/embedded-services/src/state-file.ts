import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What an embedded server leaves in the data directory so that other commands find it. */
export interface ServerState {
  /** The URL other processes connect with (credentials included). */
  url: string;
  port: number;
  password: string;
  pid?: number;
}

export type ServerKind = 'postgres' | 'redis';

export const stateFilePath = (dataDir: string, kind: ServerKind) => path.join(dataDir, `${kind}.json`);

export function readServerState(dataDir: string, kind: ServerKind): ServerState | undefined {
  const file = stateFilePath(dataDir, kind);
  if (!existsSync(file)) return undefined;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as Partial<ServerState>;
    if (typeof state.url !== 'string' || typeof state.port !== 'number' || typeof state.password !== 'string')
      return undefined;
    return state as ServerState;
  } catch {
    return undefined;
  }
}

/** Written readable by the owner only: it holds the server's password. */
export function writeServerState(dataDir: string, kind: ServerKind, state: ServerState): void {
  mkdirSync(dataDir, { recursive: true });
  const file = stateFilePath(dataDir, kind);
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}
