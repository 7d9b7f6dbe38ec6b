// One poll job: what is polled, how far it got, and the messages waiting on it. Plain state, no scheduling: the
// engine (engine.ts) drives it, rules.ts decides what it means.
import type { UppResult } from '../core/operations';
import type { HeapItem } from './heap';
import type { ErrorInfo, PollTarget } from './types';

/** One message waiting on a job, and the engine that delivers its result. */
export interface Waiter<Sink> {
  sink: Sink;
  token: unknown;
  /** JSON copy of the message for the context store: made on the first snapshot (null: cannot be saved). */
  saved?: string | null;
  joined: boolean;
  resumed: boolean;
  /** The amount this message knows (canonical text), when it differs from the job's it cannot share its success. */
  expectedAmount?: string;
}

export type Phase = 'poll' | 'giveup' | 'done';

/** What a restored or adopted job carries over. */
export interface CarriedState {
  attempts: number;
  startedAt: number;
  /** When the next step is due, on the wall clock (epoch ms). */
  nextAt?: number;
  phase: 'poll' | 'giveup';
  expired: boolean;
  mismatched?: boolean;
  last?: UppResult;
  lastError?: ErrorInfo;
}

const EMPTY = Object.freeze([]) as unknown as never[];

export class Job<Sink> implements HeapItem {
  /** When the next step is due, on the engine's monotonic clock. */
  due = 0;
  heapIndex = -1;
  heapSeq = 0;
  attempts = 0;
  phase: Phase = 'poll';
  expired = false;
  running = false;
  /** The last answer: as an object right after it came, as JSON text while the job waits (half the memory). */
  private fresh: UppResult | undefined = undefined;
  private stored: string | undefined = undefined;
  lastError: ErrorInfo | undefined = undefined;
  lastMsg: string | undefined = undefined;
  /** Something (an answer or an error) was learnt since this process started the job. */
  learnt = false;
  /** A verified answer carried a trade status (the refund or order exists at the platform) in this run. */
  sawStatus = false;
  /** A verified answer was about another order / refund / amount, or lacked a required field (rules.ts). */
  mismatched = false;
  /** Set to a one-element array when the job is created (an empty array's first push reserves room for 16). */
  waiters: Waiter<Sink>[] = EMPTY;

  constructor(
    readonly key: string,
    readonly target: PollTarget,
    public owner: Sink,
    readonly startedAt: number,
    /** The most queries before giving up (Infinity: until the order's expireTime). */
    readonly cap: number,
  ) {}

  get last(): UppResult | undefined {
    if (this.fresh) return this.fresh;
    return this.stored === undefined ? undefined : (JSON.parse(this.stored) as UppResult);
  }

  set last(result: UppResult | undefined) {
    this.fresh = result;
    this.stored = undefined;
  }

  /** Called when the job goes back to waiting: keep the last answer as text. */
  compact(): void {
    if (this.fresh) {
      this.stored = JSON.stringify(this.fresh);
      this.fresh = undefined;
    }
  }

  /** The cap as reported (msg.upp.poll.maxAttempts): absent when polling until expireTime. */
  get maxAttempts(): number | undefined {
    return Number.isFinite(this.cap) ? this.cap : undefined;
  }
}
