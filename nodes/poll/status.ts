// The upp-poll node's status line: progress while jobs run (throttled: 10 000 jobs must not repaint 10 000 times),
// then the last job's end. Built on lib/status.ts's colours, no literal status objects.
import type { Translate } from '../lib/i18n';
import type { Node, NodeStatusValue } from '../lib/red';
import { statusOf } from '../lib/status';
import type { PollEngine } from './engine';
import type { PollFinal } from './types';

const STATUS_GAP_MS = 250;

/** The status a final answer leaves on the node. */
export function finalStatus(final: PollFinal, t: Translate): NodeStatusValue {
  const status = final.result?.status;
  switch (final.reason) {
    case 'assumed_refunded':
      return statusOf.assumed(t('status.assumedRefunded'));
    case 'refund_not_found':
    case 'mismatch':
      // A mismatched answer's status is about another order: never shown as this one's.
      return statusOf.pending(t('status.undetermined', { reason: final.reason }));
    case 'close_race':
      return statusOf.ok(t('status.paidAfterClose'));
    case 'closed':
      return statusOf.failed(final.info.assumed ? t('status.closedAssumed') : t('status.closed'));
    default:
      if (final.route === 'success') return statusOf.ok(status ?? t('status.success'));
      if (final.route === 'failed') return statusOf.failed(status ?? t('status.failed'));
      return statusOf.pending(
        t('status.undetermined', { reason: status ?? final.result?.reason ?? final.info.lastError?.code ?? final.reason }),
      );
  }
}

/** The progress of one engine's jobs as a status (one job: its attempts; several: how many). */
export function progressStatus(s: ReturnType<PollEngine['status']>, t: Translate): NodeStatusValue | undefined {
  if (s.jobs === 0) return undefined;
  if (s.jobs > 1) return statusOf.busy(t('status.pollingJobs', { n: s.jobs }));
  const counts = { attempt: s.attempts, max: s.maxAttempts };
  if (s.phase === 'giveup') return statusOf.ending(t(s.maxAttempts === undefined ? 'status.givingUpAtExpiry' : 'status.givingUp', counts));
  return statusOf.busy(t(s.maxAttempts === undefined ? 'status.pollingUntilExpiry' : 'status.polling', counts));
}

/** Shows progress while jobs run and the last end (or a standing warning) when none does. */
export class PollStatus {
  private last: NodeStatusValue = {};
  private timer: NodeJS.Timeout | undefined;
  private shownAt = 0;
  private closed = false;

  constructor(
    private readonly node: Node,
    private readonly t: Translate,
    private readonly engine: () => PollEngine | undefined,
    /** Shown when idle before any job ended (e.g. the memory-store warning). */
    private readonly idle: NodeStatusValue = {},
  ) {
    this.last = idle;
    // Shown at deploy; not counted by the throttle (the first progress shows at once).
    if (idle.text) node.status(idle);
  }

  /** A job ended with this final answer. */
  finished(final: PollFinal): void {
    this.last = finalStatus(final, this.t);
  }

  /** A message ended in an error (bad input, a bug); `code` is its error code. */
  failed(code: string | undefined): void {
    this.last = statusOf.error(code ?? '');
  }

  /** Shows a status right away (e.g. a bad setting). */
  set(status: NodeStatusValue): void {
    this.last = status;
    this.show();
  }

  /** Repaints soon (at most every STATUS_GAP_MS). */
  schedule(): void {
    if (this.closed || this.timer) return;
    const wait = Math.max(0, STATUS_GAP_MS - (Date.now() - this.shownAt));
    this.timer = setTimeout(() => this.show(), wait);
  }

  show(): void {
    this.timer = undefined;
    if (this.closed) return;
    this.shownAt = Date.now();
    const engine = this.engine();
    const progress = engine ? progressStatus(engine.status(), this.t) : undefined;
    this.node.status(progress ?? this.last);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.node.status({});
  }
}
