// Pipelined units: a depth is placeable when the planner (hdl/lib/stager.ts) finds that many distinct cut
// positions; more register stages than the datapath has places for would only stack empty stages.
import type { Module } from '../hdl/index';
import type { PipelinePlan } from '../hdl/lib/stager';

/** Builds once per params object: a unit's `check` and `build` see the same object, so the plan is made once. */
export function plannedOnce<P extends object>(plan: (p: P) => { module: Module; plan: PipelinePlan }) {
  const cache = new WeakMap<P, { module: Module; plan: PipelinePlan }>();
  const get = (p: P) => {
    let r = cache.get(p);
    if (!r) {
      r = plan(p);
      cache.set(p, r);
    }
    return r;
  };
  return {
    module: (p: P): Module => get(p).module,
    /** a message when `depth` stages cannot all be placed at distinct points */
    depthProblem: (p: P, depth: number): string | undefined => {
      if (depth === 0) return undefined;
      const distinct = new Set(get(p).plan.boundaries).size;
      return distinct < depth ? `this unit has ${distinct} distinct places for register cuts here; choose a depth of at most ${distinct} (got ${depth})` : undefined;
    },
  };
}
