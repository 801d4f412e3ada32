// The format study driver: schedules the jobs over worker threads (or in-process), collects results by job
// key (never by completion order), and writes reports/study.json, reports/study.md and the SVG plots.

import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SYNTHETIC } from './data';
import { jobKey, runJob, type Job, type JobResult, type TrainJobResult } from './jobs';
import { buildStudyJson, outputPrefix, renderMarkdown, renderPlots, type JobTiming, type StudyJson } from './report';
import { studySettings, DEFAULT_SEED, type StudySettings } from './settings';
import type { JobRequest, WorkerMessage } from './worker';

export interface StudyOptions {
  readonly seed?: number;
  readonly quick?: boolean;
  /** worker threads; 0 runs every job in this thread (default: the machine's parallelism, at most 8) */
  readonly jobs?: number;
  /** output directory (default: reports) */
  readonly outDir?: string;
  /** write the files (default true) */
  readonly write?: boolean;
  /** setting overrides (tests use tiny runs); any override makes the mode 'custom' */
  readonly overrides?: Partial<StudySettings>;
}

export interface StudyOutcome {
  readonly json: StudyJson;
  readonly jsonText: string;
  readonly markdown: string;
  readonly files: readonly string[];
  readonly wallMs: number;
  readonly timings: readonly JobTiming[];
}

export type Log = (line: string) => void;

/** Jobs that need no other result, longest first (fp32 first of all: inference and model SQNR wait for it). */
function initialJobs(s: StudySettings): Job[] {
  const jobs: Job[] = [];
  const cost = (f: string) => (f === 'fp32' ? 1e9 : f === 'bf16' ? 3 : f === 'mxfp8-e5m2' ? 1.2 : 1);
  const formats = [...s.trainFormats].sort((a, b) => cost(b) - cost(a));
  for (const f of formats) {
    if (f === 'fp32' || f === 'bf16') jobs.push({ kind: 'train', format: f, scheme: '1x32', replica: 0 });
    else for (const scheme of s.schemes) jobs.push({ kind: 'train', format: f, scheme, replica: 0 });
  }
  for (let r = 1; r <= s.seedReplicas; r++) jobs.push({ kind: 'train', format: 'fp32', scheme: '1x32', replica: r });
  for (const dist of SYNTHETIC) jobs.push({ kind: 'sqnr-synthetic', dist });
  return jobs;
}

/** Jobs that need the trained FP32 model. */
function dependentJobs(s: StudySettings, fp32: TrainJobResult): Job[] {
  if (!fp32.params) throw new Error('the fp32 training job returned no parameters');
  const jobs: Job[] = s.inferenceFormats.map((format) => ({ kind: 'infer', format, params: fp32.params! }) as Job);
  jobs.push({ kind: 'sqnr-model', params: fp32.params, grads: fp32.grads ?? [] });
  return jobs;
}

type Executor = (job: Job, progress: (msg: string) => void) => Promise<{ result: JobResult; ms: number }>;

function inProcessExecutor(s: StudySettings): { exec: Executor; close: () => Promise<void> } {
  return {
    exec: (job, progress) =>
      new Promise((res, rej) => {
        setImmediate(() => {
          try {
            const t0 = performance.now();
            const result = runJob(job, s, progress);
            res({ result, ms: performance.now() - t0 });
          } catch (e) {
            rej(e);
          }
        });
      }),
    close: async () => {},
  };
}

function workerExecutor(s: StudySettings): { exec: Executor; close: () => Promise<void> } {
  const idle: Worker[] = [];
  const all: Worker[] = [];
  let nextId = 1;
  const spawn = (): Worker => {
    // the .mjs bootstrap registers tsx inside the worker, then imports worker.ts
    const w = new Worker(new URL('./worker-entry.mjs', import.meta.url));
    all.push(w);
    return w;
  };
  const exec: Executor = (job, progress) =>
    new Promise((res, rej) => {
      const w = idle.pop() ?? spawn();
      const id = nextId++;
      const onMessage = (m: WorkerMessage) => {
        if (m.id !== id) return;
        if (m.type === 'progress') progress(m.message);
        else {
          cleanup();
          idle.push(w);
          if (m.type === 'done') res({ result: m.result as JobResult, ms: m.ms });
          else rej(new Error(`study job ${jobKey(job)} failed in a worker:\n${m.error}`));
        }
      };
      const onError = (e: Error) => {
        cleanup();
        rej(new Error(`study worker crashed while running ${jobKey(job)}: ${e.stack ?? e.message}`));
      };
      const onExit = (code: number) => {
        cleanup();
        rej(new Error(`study worker exited with code ${code} while running ${jobKey(job)}`));
      };
      const cleanup = () => {
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ id, job, settings: s } satisfies JobRequest);
    });
  return { exec, close: async () => void (await Promise.all(all.map((w) => w.terminate()))) };
}

/** Runs the whole study; `log` receives the progress lines. */
export async function runStudy(options: StudyOptions, log: Log): Promise<StudyOutcome> {
  const seed = options.seed ?? DEFAULT_SEED;
  const settings = studySettings(options.quick ? 'quick' : 'full', seed, options.overrides);
  const jobsN = options.jobs ?? Math.min(8, availableParallelism());
  const t0 = performance.now();
  const stamp = () => `[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s]`;
  log(`${stamp()} format study, mode ${settings.mode}, seed ${seed}, ${jobsN === 0 ? 'in-process' : `${jobsN} worker thread(s)`}`);
  log(
    `${stamp()} MLP ${settings.layers.join('-')}, ${settings.epochs} epoch(s), batch ${settings.batch}, SGD lr ${settings.lr} momentum ${settings.momentum}, ` +
      `train formats: ${settings.trainFormats.join(', ')}`,
  );
  const { exec, close } = jobsN === 0 ? inProcessExecutor(settings) : workerExecutor(settings);
  const results = new Map<string, JobResult>();
  const timings: JobTiming[] = [];
  const queue = initialJobs(settings);
  const total = { n: queue.length + settings.inferenceFormats.length + 1 };
  const width = Math.max(...queue.map((j) => jobKey(j).length), 24);
  try {
    await new Promise<void>((resolveAll, rejectAll) => {
      let running = 0;
      let failed = false;
      const slots = Math.max(1, jobsN);
      const pump = () => {
        while (!failed && running < slots && queue.length) {
          const job = queue.shift()!;
          const key = jobKey(job);
          running++;
          log(`${stamp()} ${key.padEnd(width)} start`);
          exec(job, (msg) => log(`${stamp()} ${key.padEnd(width)} ${msg}`)).then(
            ({ result, ms }) => {
              running--;
              results.set(key, result);
              timings.push({ key, ms });
              log(`${stamp()} ${key.padEnd(width)} done in ${(ms / 1000).toFixed(1)} s${describe(result)}  [${results.size}/${total.n}]`);
              if (key === 'train/fp32') queue.push(...dependentJobs(settings, result as TrainJobResult));
              if (!queue.length && running === 0) resolveAll();
              else pump();
            },
            (e) => {
              failed = true;
              rejectAll(e);
            },
          );
        }
      };
      pump();
    });
  } finally {
    await close();
  }
  const wallMs = performance.now() - t0;
  const json = buildStudyJson(settings, results);
  const jsonText = JSON.stringify(json, null, 2) + '\n';
  timings.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const markdown = renderMarkdown(json, { wallMs, timings, jobs: jobsN });
  const files: string[] = [];
  if (options.write ?? true) {
    const dir = resolve(options.outDir ?? 'reports');
    await mkdir(dir, { recursive: true });
    const put = async (name: string, text: string) => {
      const p = join(dir, name);
      await writeFile(p, text);
      files.push(p);
    };
    const px = outputPrefix(settings.mode);
    await put(`${px}.json`, jsonText);
    await put(`${px}.md`, markdown);
    for (const [name, svg] of Object.entries(renderPlots(json))) await put(name, svg);
    log(`${stamp()} wrote ${files.join(', ')}`);
  }
  log(`${stamp()} study finished in ${(wallMs / 1000).toFixed(1)} s`);
  return { json, jsonText, markdown, files, wallMs, timings };
}

function describe(r: JobResult): string {
  if (r.kind === 'train') return `: test accuracy ${(100 * r.accuracy).toFixed(2)} %${r.divergedAt !== null ? ` (diverged at step ${r.divergedAt})` : ''}`;
  if (r.kind === 'infer') return `: ${Object.entries(r.accuracy).map(([k, v]) => `${k} ${(100 * v).toFixed(2)} %`).join(', ')}`;
  return '';
}
