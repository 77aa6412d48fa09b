import type { UserRole } from '@proxy-pool/db';
import type { Logger } from '@proxy-pool/logger';

export interface AuthContext {
  userId: string;
  apiKeyId: string;
  role: UserRole;
}

declare global {
  // Express's own extension point for request properties.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      id: string;
      log: Logger;
      auth?: AuthContext;
    }
  }
}
