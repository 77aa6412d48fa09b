import { chargeGatewayBlock, type Database } from '@proxy-pool/db';
import type { RedisConnection } from '@proxy-pool/queues';
import { lookOrMakeOnce } from '../redis-once.js';

/** Takes one prepaid connection if any is left (atomic across replicas). */
const TAKE = `local left = tonumber(redis.call('GET', KEYS[1]) or '0')
if left > 0 then redis.call('DECR', KEYS[1]) return 1 end
return 0`;

const LOCKING = { lockMs: 10_000, stepMs: 10, busyMessage: 'Credits cannot be checked right now; try again shortly.' };

/**
 * Rotating traffic is paid in blocks: one credit buys `connectionsPerCredit` new upstream connections, charged
 * up front through the guarded ledger (the balance never goes below 0, and every debit is a transaction).
 * The connections a user has paid for and not used yet are counted in Redis, shared by every replica; one
 * replica at a time (a short Redis lock per user) buys the next block, so concurrent connections never buy
 * two blocks where one suffices. Should Redis lose the count, at most one block's remainder is lost.
 */
export class ConnectionCredits {
  constructor(
    private readonly db: Database,
    private readonly redis: RedisConnection,
    private readonly keyPrefix: string,
    private readonly connectionsPerCredit: number,
  ) {}

  /** True when the connection is paid for; false when the balance is 0 and nothing is prepaid. */
  async take(userId: string): Promise<boolean> {
    const key = `${this.keyPrefix}:gw:prepaid:${userId}`;
    const taken = async () => ((await this.redis.eval(TAKE, 1, key)) === 1 ? true : undefined);
    return lookOrMakeOnce(this.redis, `${key}:lock`, LOCKING, taken, async () => {
      const charged = await chargeGatewayBlock(
        this.db,
        userId,
        `Gateway: ${this.connectionsPerCredit} rotating connections`,
      );
      if (charged === null) return false;
      if (this.connectionsPerCredit > 1) await this.redis.incrby(key, this.connectionsPerCredit - 1);
      return true;
    });
  }

  /** Gives back a connection paid for but never made (every try failed). */
  async giveBack(userId: string): Promise<void> {
    await this.redis.incr(`${this.keyPrefix}:gw:prepaid:${userId}`);
  }
}
