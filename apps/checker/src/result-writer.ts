import {
  recordValidations,
  refundFailedLeases,
  type CheckRow,
  type LeaseRefund,
  type FiguresUpdate,
  type CheckStore,
  type StoredFigures,
} from '@proxy-pool/db';
import { nextFigures, type FinishedValidation } from './figures.js';
import type { CheckRecord } from './pipeline.js';
import { retryPoolWait, type PoolWaitRetry } from './pool-wait.js';
import type { ScoringSettings } from './proxy-state.js';

export interface ValidationToWrite extends FinishedValidation {
  checks: readonly CheckRecord[];
}

/** What was stored for one validation: the proxy's new status, or null when the proxy was deleted meanwhile. */
export type WrittenStatus = FiguresUpdate['status'] | null;

export type BatchWriter = (batch: readonly ValidationToWrite[]) => Promise<Map<string, FiguresUpdate>>;

interface Pending {
  item: ValidationToWrite;
  resolve(status: WrittenStatus): void;
  reject(error: unknown): void;
}

/**
 * Collects finished validations from every job of the process and writes them in batches: when
 * `batchSize` are waiting, or `flushMs` after the first one. `add()` resolves once its batch is committed,
 * so a job completes only when its results are stored.
 */
export class ResultWriter {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly write: BatchWriter,
    private readonly options: { batchSize: number; flushMs: number },
  ) {}

  add(item: ValidationToWrite): Promise<WrittenStatus> {
    return new Promise<WrittenStatus>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.options.batchSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.flushMs);
    });
  }

  /** Starts writing what is waiting now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const writing = this.write(batch.map((entry) => entry.item)).then(
      (written) => {
        for (const entry of batch) entry.resolve(written.get(entry.item.proxyId)?.status ?? null);
      },
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
    this.inFlight.add(writing);
    void writing.finally(() => this.inFlight.delete(writing));
  }

  /** Writes everything still waiting and waits for every write in progress. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
  }
}

export interface RefundSettings {
  /** A lease reported `failed` this long (or less) before a failed validation of its proxy is refunded. */
  windowMinutes: number;
  /** Called after COMMIT with the refunds the batch made (e.g. to raise `lease.refunded`). */
  onRefunds?: (refunds: LeaseRefund[]) => void;
}

/**
 * The batch writer over PostgreSQL: figures from the locked current rows, check rows in bulk, and in the same
 * transaction the refunds of leases reported failed whose proxy has now failed its validation.
 */
export function databaseBatchWriter(
  store: CheckStore,
  scoring: ScoringSettings,
  refunds: RefundSettings = { windowMinutes: 10 },
  poolWaitRetry?: PoolWaitRetry,
): BatchWriter {
  return async (batch) => {
    const checks: CheckRow[] = [];
    for (const item of batch) {
      for (const check of item.checks) {
        checks.push({
          proxyId: item.proxyId,
          checkerName: check.checkerName,
          stage: check.stage,
          passed: check.passed,
          latencyMs: check.latencyMs,
          detail: check.detail,
          createdAt: check.createdAt,
        });
      }
    }
    // A proxy can appear twice in a batch (two jobs named it): its validations apply in order.
    const byProxy = new Map<string, ValidationToWrite[]>();
    for (const item of batch) {
      const earlier = byProxy.get(item.proxyId);
      if (earlier) earlier.push(item);
      else byProxy.set(item.proxyId, [item]);
    }
    const failed = batch
      .filter((item) => !item.outcome.passed)
      .map((item) => ({ proxyId: item.proxyId, checkedAt: item.finishedAt }));
    let refunded: LeaseRefund[] = [];
    const updates = await retryPoolWait(
      () =>
        recordValidations(
          store,
          checks,
          (current) => current.map((row) => applyAll(row, byProxy.get(row.id) ?? [], scoring)),
          async (client) => {
            refunded = await refundFailedLeases(client, failed, refunds.windowMinutes);
          },
        ),
      poolWaitRetry,
    );
    if (refunded.length > 0) refunds.onRefunds?.(refunded);
    return new Map(updates.map((update) => [update.id, update]));
  };
}

function applyAll(
  row: StoredFigures,
  validations: readonly ValidationToWrite[],
  scoring: ScoringSettings,
): FiguresUpdate {
  let figures: StoredFigures = row;
  let update: FiguresUpdate | undefined;
  for (const validation of validations) {
    update = nextFigures(figures, validation, scoring);
    figures = update;
  }
  if (update === undefined) throw new Error(`no validation for proxy ${row.id}`);
  return update;
}
