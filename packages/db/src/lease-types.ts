import type { Anonymity, IpType, ProxyProtocol } from '../generated/client/index.js';
import type { SiteFilter } from './site-stats.sql.js';

/** What acquire takes and answers (the statements are in leases.sql.ts). */
export interface AcquireFilters {
  protocol?: ProxyProtocol;
  country?: string;
  anonymity?: Anonymity;
  minScore?: number;
  asn?: number;
  ipType?: IpType;
  /** `target=`: skips proxies cooling down on the site and puts the best site rate first. */
  site?: SiteFilter;
  /** A site check's name (see ProxyFilters.worksFor). */
  worksFor?: string;
}

export interface AcquireInput {
  userId: string;
  apiKeyId: string | null;
  filters: AcquireFilters;
  durationSeconds: number;
  idempotencyKey?: string;
}

export interface LeasedProxy {
  id: string;
  ip: string;
  port: number;
  protocol: ProxyProtocol;
  country: string | null;
  anonymity: Anonymity | null;
  username: string | null;
  password: string | null;
}

export interface LeaseGrant {
  leaseId: string;
  proxy: LeasedProxy;
  expiresAt: Date;
}

export type AcquireOutcome =
  | {
      kind: 'acquired';
      grant: LeaseGrant;
      creditsRemaining: number;
      /** The proxy's previous lease, past due and not yet swept: this acquire marked it expired. */
      lapsed?: { leaseId: string; userId: string; expiresAt: Date };
    }
  /** The idempotency key already names a lease of this user (made within 24 h): nothing was charged. */
  | { kind: 'replayed'; grant: LeaseGrant }
  | { kind: 'insufficient_credits'; balance: number }
  /** Some active proxy matches, but every one of them holds a live lease. */
  | { kind: 'all_leased' }
  | { kind: 'no_match' };

export interface AcquireHooks {
  /** Runs inside the transaction after every write, before COMMIT (e.g. to store the answer for replays). */
  beforeCommit?: (grant: LeaseGrant, creditsRemaining: number) => Promise<void>;
}
