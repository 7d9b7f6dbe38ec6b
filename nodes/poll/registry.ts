// The jobs running in this process, by scope (the config node's id) and then by key (records.ts jobKey). Shared by
// every engine by default, so two poll nodes on one config node share a job for one order (single flight), and the
// operations sidebar can list a config node's polls (nodes/ops/routes.ts) without knowing the engines.
import type { Job } from './job';
import type { OpenJobView } from './stats';

/** An engine as the registry sees it: it shows a job it owns (its next step on the engine's clock). */
export interface JobOwner {
  view(job: Job<JobOwner>, waiting: number): OpenJobView;
}

/** Jobs by scope (config node), then by key. */
export type JobRegistry<J extends Keyed = Job<JobOwner>> = Map<string, Map<string, J>>;

interface Keyed {
  readonly key: string;
}

const SHARED_REGISTRY: JobRegistry = new Map();

/** The registry of this process (engines use it unless given their own, as the tests do). */
export function sharedRegistry<J extends Job<JobOwner>>(): JobRegistry<J> {
  return SHARED_REGISTRY as JobRegistry<J>;
}

export function lookupJob<J extends Keyed>(registry: JobRegistry<J>, scope: string, key: string): J | undefined {
  return registry.get(scope)?.get(key);
}

export function registerJob<J extends Keyed>(registry: JobRegistry<J>, scope: string, job: J): void {
  let jobs = registry.get(scope);
  if (!jobs) registry.set(scope, (jobs = new Map()));
  jobs.set(job.key, job);
}

/** Removes the job, unless another job has taken its key meanwhile; an empty scope goes too. */
export function unregisterJob<J extends Keyed>(registry: JobRegistry<J>, scope: string, job: J): void {
  const jobs = registry.get(scope);
  if (jobs?.get(job.key) !== job) return;
  jobs.delete(job.key);
  if (jobs.size === 0) registry.delete(scope);
}

/** The jobs running for one scope (config node id) in this process, from the shared registry. */
export function openJobs(scope: string, registry: JobRegistry = SHARED_REGISTRY): OpenJobView[] {
  const out: OpenJobView[] = [];
  for (const job of registry.get(scope)?.values() ?? []) {
    if (job.phase !== 'done') out.push(job.owner.view(job, job.waiters.length));
  }
  return out;
}
