// The format study driver: schedules the jobs over worker threads (or in-process), collects results by job
// key (never by completion order), and writes reports/study.json, reports/study.md and the SVG plots.

import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SYNTHETIC } from './data';
import { jobKey, runJob, type Job, type JobResult, type TrainJobResult, type WlTrainResult } from './jobs';
import { plannedRuns } from './protocol';
import type { WorkloadName } from './workload';
import { buildStudyJson, outputPrefix, renderMarkdown, renderPlots, type JobTiming, type RuntimeJson, type StudyJson } from './report';
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
  /**
   * directory of finished job results (default: none). A result is reused only when the job, the settings that
   * shape it and the source of generator/study and generator/golden are all unchanged (results are pure
   * functions of those), so an interrupted study resumes where it stopped.
   */
  readonly cacheDir?: string;
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

/** Relative cost of a workload run (uncontended seconds, measured), for longest-first scheduling. */
const RUN_COST: Record<WorkloadName, number> = { 'char-transformer': 25, 'student-teacher': 12, 'deep-mlp': 8, 'mnist-mlp': 8 };

/**
 * Jobs that need no other result. The FP32 replica-0 runs go first (direct cast waits for them), then the rest
 * longest first, so the two workers finish together.
 */
function initialJobs(s: StudySettings): Job[] {
  const quick = s.mode !== 'full';
  const wl: Job[] = [];
  for (const w of s.protocol.workloads) for (const r of plannedRuns(s.protocol, w, quick)) wl.push({ kind: 'wl-train', group: r.group, spec: r.spec });
  const isCastSource = (j: Job) => j.kind === 'wl-train' && j.spec.format === 'fp32' && j.spec.replica === 0 && j.spec.classes.length === 3;
  const cost = (j: Job) => (j.kind === 'wl-train' ? RUN_COST[j.spec.workload] : 0);
  const first = wl.filter(isCastSource).sort((a, b) => cost(b) - cost(a));
  const rest = wl.filter((j) => !isCastSource(j)).sort((a, b) => cost(b) - cost(a));
  const jobs: Job[] = [...first];
  // the original MNIST-MLP sections (legacy keys of reports/study.json)
  const costL = (f: string) => (f === 'fp32' ? 1e9 : f === 'bf16' ? 3 : f === 'mxfp8-e5m2' ? 1.2 : 1);
  const formats = [...s.trainFormats].sort((a, b) => costL(b) - costL(a));
  for (const f of formats) {
    if (f === 'fp32' || f === 'bf16') jobs.push({ kind: 'train', format: f, scheme: '1x32', replica: 0 });
    else for (const scheme of s.schemes) jobs.push({ kind: 'train', format: f, scheme, replica: 0 });
  }
  for (let r = 1; r <= s.seedReplicas; r++) jobs.push({ kind: 'train', format: 'fp32', scheme: '1x32', replica: r });
  for (const dist of SYNTHETIC) jobs.push({ kind: 'sqnr-synthetic', dist });
  // long workload runs before the short legacy ones would leave one worker idle at the end: interleave
  return [...jobs.slice(0, first.length), ...rest.slice(0, Math.ceil(rest.length / 2)), ...jobs.slice(first.length), ...rest.slice(Math.ceil(rest.length / 2))];
}

/** Direct-cast jobs of a workload, once its FP32 replica-0 run is done. */
function castJobs(s: StudySettings, r: WlTrainResult): Job[] {
  if (!r.outcome.params) throw new Error(`the fp32 run of ${r.spec.workload} returned no parameters`);
  return s.protocol.castFormats.map((format) => ({ kind: 'wl-cast', workload: r.spec.workload, format, params: r.outcome.params! }) as Job);
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
  log(`${stamp()} workloads: ${settings.protocol.workloads.join(', ')}; ${settings.protocol.seeds} seed(s) of ${settings.protocol.mainFormats.join(', ')} x ${settings.protocol.mainBlocks.join(', ')}`);
  const raw = jobsN === 0 ? inProcessExecutor(settings) : workerExecutor(settings);
  const close = raw.close;
  const exec = options.cacheDir ? await cachedExecutor(raw.exec, settings, resolve(options.cacheDir), log) : raw.exec;
  const results = new Map<string, JobResult>();
  const timings: JobTiming[] = [];
  const queue = initialJobs(settings);
  const total = { n: queue.length + settings.inferenceFormats.length + 1 + settings.protocol.workloads.length * settings.protocol.castFormats.length };
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
              if (key === 'train/fp32') queue.unshift(...dependentJobs(settings, result as TrainJobResult));
              if (result.kind === 'wl-train' && result.outcome.params) queue.unshift(...castJobs(settings, result));
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
  const files: string[] = [];
  const runtime: RuntimeJson = { wallMs: Math.round(wallMs), jobs: jobsN, timings: timings.map((t) => ({ key: t.key, ms: Math.round(t.ms) })) };
  let markdown = '';
  if (options.write ?? true) {
    const dir = resolve(options.outDir ?? 'reports');
    await mkdir(dir, { recursive: true });
    const put = async (name: string, text: string) => {
      const p = join(dir, name);
      await writeFile(p, text);
      files.push(p);
    };
    const px = outputPrefix(settings.mode);
    // the results first: the markdown and plots can be rendered again from them (render.ts)
    await put(`${px}.json`, jsonText);
    await put(`${px}.runtime.json`, JSON.stringify(runtime, null, 1) + '\n');
    markdown = renderMarkdown(json, runtime);
    await put(`${px}.md`, markdown);
    for (const [name, svg] of Object.entries(renderPlots(json))) await put(name, svg);
    log(`${stamp()} wrote ${files.join(', ')}`);
  } else markdown = renderMarkdown(json, runtime);
  log(`${stamp()} study finished in ${(wallMs / 1000).toFixed(1)} s`);
  return { json, jsonText, markdown, files, wallMs, timings };
}

function describe(r: JobResult): string {
  if (r.kind === 'wl-train') {
    const m = Object.entries(r.outcome.metrics).map(([k, v]) => `${k} ${v === null ? 'n/a' : v.toPrecision(4)}`).join(', ');
    return `: ${m}${r.outcome.divergedAt !== null ? ` (diverged at step ${r.outcome.divergedAt})` : ''}`;
  }
  if (r.kind === 'wl-cast') return '';
  if (r.kind === 'train') return `: test accuracy ${(100 * r.accuracy).toFixed(2)} %${r.divergedAt !== null ? ` (diverged at step ${r.divergedAt})` : ''}`;
  if (r.kind === 'infer') return `: ${Object.entries(r.accuracy).map(([k, v]) => `${k} ${(100 * v).toFixed(2)} %`).join(', ')}`;
  return '';
}

/** The settings a job's result depends on (so that a change elsewhere keeps the cached result). */
function jobIdentity(job: Job, s: StudySettings): unknown {
  const { protocol: p, mode: _m, ...legacy } = s;
  if (job.kind === 'wl-train') return { spec: job.spec, size: p.sizes[job.spec.workload], seed: s.seed };
  if (job.kind === 'wl-cast') return { w: job.workload, f: job.format, size: p.sizes[job.workload], blocks: p.castBlocks, modes: p.castModes, seed: s.seed };
  const { params: _p, grads: _g, ...rest } = job as Job & { params?: unknown; grads?: unknown };
  return { job: rest, legacy };
}

async function cachedExecutor(inner: Executor, s: StudySettings, dir: string, log: Log): Promise<Executor> {
  const { createHash } = await import('node:crypto');
  const { readdir, readFile } = await import('node:fs/promises');
  const { serialize, deserialize } = await import('node:v8');
  // the source of the code that computes results
  const src = createHash('sha256');
  for (const sub of ['study', 'golden', 'formats', 'util']) {
    const d = new URL(`../${sub}/`, import.meta.url);
    for (const f of (await readdir(d)).filter((x) => x.endsWith('.ts')).sort()) src.update(f).update(await readFile(new URL(f, d)));
  }
  const codeHash = src.digest('hex').slice(0, 16);
  const cdir = join(dir, codeHash);
  await mkdir(cdir, { recursive: true });
  log(`result cache: ${cdir}`);
  return async (job, progress) => {
    const id = createHash('sha256').update(JSON.stringify(jobIdentity(job, s))).digest('hex').slice(0, 24);
    const file = join(cdir, `${id}.bin`);
    try {
      const hit = deserialize(await readFile(file)) as { result: JobResult; ms: number };
      progress('reused from the result cache');
      return hit;
    } catch {
      const r = await inner(job, progress);
      await writeFile(file, serialize(r));
      return r;
    }
  };
}
