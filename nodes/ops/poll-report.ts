// Which final poll answers need a person: undetermined ones, and refunds only assumed by the manual's rule.
// (Closes counted as closed without a verified Y come from the close call itself; see monitor.ts.)
import type { PollFinal } from '../poll/types';

export function pollAttention(final: PollFinal): 'undetermined' | 'assumed_refund' | undefined {
  if (final.route === 'undetermined') return 'undetermined';
  if (final.reason === 'assumed_refunded') return 'assumed_refund';
  return undefined;
}
