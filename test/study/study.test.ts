// The format study: error metrics on known cases, the data split, the JSON schema, and determinism of a tiny
// run (same seed -> identical JSON, in-process or on worker threads). The full study is never run here.
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../generator/study/data';
import { errorStats, quantizationStats } from '../../generator/study/sqnr';
import { runStudy, type StudyOptions } from '../../generator/study/run';
import { CAST_FORMATS, TRAIN_FORMATS } from '../../generator/study/settings';
import { lineChart, barChart } from '../../generator/study/svg';
import { protocol } from '../../generator/study/protocol';

// the cheapest workload with two seeds and every protocol branch once (the full protocol is never run here)
const quickP = protocol('quick');
const TINY_PROTOCOL = {
  ...quickP,
  workloads: ['student-teacher'] as const,
  seeds: 2,
  mainFormats: ['fp32', 'mxsf', 'mxfp8-e2m5', 'mxfp8-e4m3'] as const,
  castFormats: ['fp32', 'mxsf', 'mxfp8-e2m5', 'mxfp8-e4m3'] as const,
  protocolWorkloads: ['student-teacher'] as const,
  sizes: {
    ...quickP.sizes,
    'student-teacher': { ...quickP.sizes['student-teacher'], d: 32, steps: 3, batch: 16, evalN: 32 },
    'mnist-mlp': { ...quickP.sizes['mnist-mlp'], trainSize: 64, testSize: 50 },
  },
};
const TINY: StudyOptions['overrides'] = {
  trainSize: 96,
  testSize: 100,
  epochs: 1,
  batch: 32,
  logEvery: 1,
  seedReplicas: 1,
  sqnr: { rows: 16, cols: 64, activationDigits: 8 },
  protocol: TINY_PROTOCOL,
};

describe('error metrics', () => {
  it('SQNR, worst relative error and flush-to-zero on hand-computed cases', () => {
    expect(errorStats([1, 2, -3, 0], [1, 2, -3, 0])).toEqual({ sqnrDb: null, maxRelErr: 0, flushToZero: 0 });
    const s = errorStats([1, 1, 1, 1], [1.1, 0.9, 1.1, 0.9]);
    expect(s.sqnrDb).toBeCloseTo(20, 10); // 10 log10(4 / (4 * 0.01))
    expect(s.maxRelErr).toBeCloseTo(0.1, 12);
    const f = errorStats([1, 2, 0, 4], [0, 2, 0, 4]);
    expect(f.flushToZero).toBeCloseTo(1 / 3, 12);
    expect(f.maxRelErr).toBe(1);
    expect(f.sqnrDb).toBeCloseTo(10 * Math.log10(21 / 1), 12);
  });

  it('BF16 round trip of 1 + 2^-9 (a tie, to even) gives SQNR 10 log10((1 + 2^-9)^2 / 2^-18)', () => {
    const x = new Float32Array([1 + 2 ** -9]);
    const st = quantizationStats(x, 1, 1, 'bf16', '1x32');
    expect(st.sqnrDb).toBeCloseTo(10 * Math.log10((1 + 2 ** -9) ** 2 / 2 ** -18), 10);
    expect(st.maxRelErr).toBeCloseTo(2 ** -9 / (1 + 2 ** -9), 12);
  });

  it('an MX block holding only representable values is exact; one far below the block range flushes', () => {
    // mxfp8-e2m5 with amax 4: scale 2^0 (floor(log2 4) - 2), elements 4, 1.5, 0.25 are exact
    expect(quantizationStats(new Float32Array([4, 1.5, 0.25, -1]), 1, 4, 'mxfp8-e2m5', '1x32').sqnrDb).toBeNull();
    // 2^-8 is below half of E2M5's smallest subnormal (2^-5) at that scale but inside MXSF's FP5 range (2^-9);
    // one of the two non-zero inputs flushes
    const tiny = new Float32Array([4, 2 ** -8]);
    expect(quantizationStats(tiny, 1, 2, 'mxfp8-e2m5', '1x32').flushToZero).toBe(0.5);
    expect(quantizationStats(tiny, 1, 2, 'mxsf', '1x32').flushToZero).toBe(0);
    expect(quantizationStats(tiny, 1, 2, 'fp32', '1x32').sqnrDb).toBeNull();
  });
});

describe('MNIST data', () => {
  it('reads the package files with a fixed split (no Math.random)', () => {
    const r = Math.random;
    Math.random = () => {
      throw new Error('Math.random used');
    };
    try {
      const d = loadMnist();
      expect(d.train.n + d.test.n).toBe(10000);
      expect(d.test.n).toBe(1996);
      expect(d.train.x.length).toBe(d.train.n * 784);
      const counts = new Array(10).fill(0);
      for (const y of d.test.y) counts[y]++;
      expect(Math.min(...counts)).toBeGreaterThan(150);
      expect(Math.max(...d.train.x.subarray(0, 784 * 50))).toBeLessThanOrEqual(1);
    } finally {
      Math.random = r;
    }
  });
});

describe('study run', () => {
  it('tiny run: JSON schema, and the same seed gives identical JSON in-process and on 2 worker threads', async () => {
    const logs: string[] = [];
    const a = await runStudy({ seed: 3, jobs: 0, write: false, overrides: TINY }, (l) => logs.push(l));
    const b = await runStudy({ seed: 3, jobs: 2, write: false, overrides: TINY }, () => {});
    expect(b.jsonText).toBe(a.jsonText);
    expect(logs.some((l) => l.includes('train/mxsf/8x8') && l.includes('epoch 1/1'))).toBe(true);

    const j = JSON.parse(a.jsonText);
    expect(j.schema).toBe('mxgen-study/1');
    expect(j.seed).toBe(3);
    expect(j.settings.seed).toBe(3);
    expect(j.settings.epochs).toBe(1);
    const unit = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1;
    for (const f of CAST_FORMATS) {
      expect(unit(j.inference[f]), `inference ${f}`).toBe(true);
      expect(unit(j.inference8x8[f]), `inference8x8 ${f}`).toBe(true);
    }
    for (const f of TRAIN_FORMATS) {
      expect(unit(j.training[f]['1x32']), `training ${f} 1x32`).toBe(true);
      expect(unit(j.training[f]['8x8']), `training ${f} 8x8`).toBe(true);
      for (const run of Object.values(j.trainingRuns[f]) as { curve: { step: number[]; loss: number[] }; steps: number }[]) {
        expect(run.curve.step.length).toBe(run.curve.loss.length);
        expect(run.steps).toBe(3); // 96 digits / batch 32
      }
    }
    expect(Object.keys(j.sqnr).sort()).toEqual(
      ['laplace', 'log-uniform', 'model-activations', 'model-gradients', 'model-weights', 'normal', 'student-t3'],
    );
    for (const t of Object.keys(j.sqnr)) {
      for (const f of CAST_FORMATS) {
        for (const sc of ['1x32', '8x8']) {
          const e = j.sqnr[t][f][sc];
          expect(e.sqnrDb === null || typeof e.sqnrDb === 'number', `${t} ${f} ${sc}`).toBe(true);
          expect(e.maxRelErr).toBeGreaterThanOrEqual(0);
          expect(e.flushToZero).toBeGreaterThanOrEqual(0);
        }
      }
      expect(j.sqnr[t].fp32['1x32'].sqnrDb).toBeNull();
    }
    expect(j.summary.paper).toEqual({ inference: { vsE2M5: 0.05, vsE4M3: 3.55 }, training: { vsE2M5: 11.1, vsE4M3: 3.57 } });
    for (const v of [j.summary.inference.vsE2M5, j.summary.inference.vsE4M3, j.summary.training.vsE2M5, j.summary.training.vsE4M3]) {
      expect(typeof v.measured).toBe('number');
      expect(typeof v.verdict).toBe('string');
      expect(v.threshold).toBeGreaterThan(0);
    }
    expect(j.seedNoise.fp32Accuracies).toHaveLength(2);
    expect(a.markdown).toContain('## MNIST MLP: summary, laid out like the paper');
    expect(a.markdown).toContain('+11.10');

    // the workload study
    expect(Object.keys(j.workloads)).toEqual(['student-teacher']);
    const st = j.workloads['student-teacher'];
    // main grid: 2 seeds x (fp32 + 3 MX formats x 2 blocks) = 14, plus 16x16, rceil 1x32, wgrad-only ablation for mxsf
    expect(Object.keys(st.runs)).toHaveLength(17);
    expect(st.runs['mxsf/1x32/floor/all/seed1'].metrics.valMse).toBeGreaterThan(0);
    expect(st.runs['mxsf/1x32/floor/wgrad/seed0'].group).toBe('ablation');
    expect(st.runs['mxsf/16x16/floor/all/seed0'].group).toBe('blocks');
    expect(st.runs['mxsf/1x32/rceil/all/seed0'].group).toBe('rceil');
    expect(st.runs['fp32/none/floor/all/seed0'].stats).toBeNull();
    const stats = st.runs['mxfp8-e2m5/1x32/floor/all/seed0'].stats;
    expect(Object.keys(stats)).toContain('wgrad:grad');
    for (const t of Object.values(stats) as { steps: number[]; flush: number[]; scaleHist: Record<string, number> }[]) {
      expect(t.steps.length).toBe(t.flush.length);
      for (const f of t.flush) expect(f >= 0 && f <= 1).toBe(true);
      expect(Object.values(t.scaleHist).reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
    }
    const cmp = st.summary.training['1x32'].vsE2M5;
    expect(cmp.mxsf.n).toBe(2);
    expect(cmp.welch).not.toBeNull();
    expect(typeof cmp.verdict).toBe('string');
    expect(Object.keys(st.cast).sort()).toEqual(['fp32', 'mxfp8-e2m5', 'mxfp8-e4m3', 'mxsf']);
    expect(st.cast.mxsf['1x32'].floor.valMse).toBeGreaterThan(0);
    expect(a.markdown).toContain('## Workload study');
    expect(a.markdown).toContain('### What the data says');
    expect(a.markdown).toContain('### student-teacher');
  }, 120_000);

  it('another seed gives other results', async () => {
    const one = { ...TINY, trainFormats: ['fp32'], inferenceFormats: ['fp32'], sqnrFormats: ['fp32'], seedReplicas: 0, protocol: { ...TINY_PROTOCOL, workloads: [] } } as StudyOptions['overrides'];
    const a = await runStudy({ seed: 3, jobs: 0, write: false, overrides: one }, () => {});
    const b = await runStudy({ seed: 4, jobs: 0, write: false, overrides: one }, () => {});
    expect(JSON.parse(a.jsonText).trainingRuns.fp32.none.curve.loss).not.toEqual(JSON.parse(b.jsonText).trainingRuns.fp32.none.curve.loss);
  }, 60_000);
});

describe('svg', () => {
  it('writes well-formed charts with escaped text', () => {
    const l = lineChart({ title: 'a < b & c', xLabel: 'x', yLabel: 'y', logY: true, series: [{ name: 's', color: '#000', points: [{ x: 0, y: 1 }, { x: 10, y: 0.01 }] }] });
    expect(l.startsWith('<svg')).toBe(true);
    expect(l.trim().endsWith('</svg>')).toBe(true);
    expect(l).toContain('a &lt; b &amp; c');
    expect(l).toContain('<path d="M');
    const b = barChart({ title: 't', yLabel: 'y', categories: ['a', 'b'], groups: [{ name: 'g', color: '#f00', values: [1, null] }], yMin: 0, yMax: 2 });
    expect((b.match(/<rect x=/g) ?? []).length).toBe(3); // frame + one bar + legend swatch
  });
});
