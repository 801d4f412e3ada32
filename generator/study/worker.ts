// Worker-thread entry of the study: runs one job at a time for the pool in run.ts.

import { parentPort } from 'node:worker_threads';
import { runJob, type Job } from './jobs';
import type { StudySettings } from './settings';

export interface JobRequest {
  readonly id: number;
  readonly job: Job;
  readonly settings: StudySettings;
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly id: number; readonly message: string }
  | { readonly type: 'done'; readonly id: number; readonly result: unknown; readonly ms: number }
  | { readonly type: 'error'; readonly id: number; readonly error: string };

const port = parentPort;
if (!port) throw new Error('generator/study/worker.ts must run in a worker thread');

port.on('message', (req: JobRequest) => {
  const t0 = performance.now();
  try {
    const result = runJob(req.job, req.settings, (message) => port.postMessage({ type: 'progress', id: req.id, message } satisfies WorkerMessage));
    port.postMessage({ type: 'done', id: req.id, result, ms: performance.now() - t0 } satisfies WorkerMessage);
  } catch (e) {
    port.postMessage({ type: 'error', id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies WorkerMessage);
  }
});
