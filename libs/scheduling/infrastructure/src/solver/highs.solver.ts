// The auto-scheduler's MILP port on HiGHS (npm `highs`, WebAssembly). One WASM instance per process, loaded once;
// each solve gets its own model, disposed when done.
import highsLoader, { type Highs } from 'highs';
import type { MilpModel, MilpSolution, MilpSolver } from '@tutoring/scheduling/domain';

let instance: Promise<Highs> | null = null;
const loadHighs = (): Promise<Highs> => (instance ??= highsLoader());

const toCsr = (model: MilpModel) => {
  const starts = new Int32Array(model.rows.length + 1);
  let nnz = 0;
  model.rows.forEach((r, i) => {
    nnz += r.indices.length;
    starts[i + 1] = nnz;
  });
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let k = 0;
  for (const r of model.rows) {
    // HiGHS wants each row's column indices strictly increasing.
    const order = r.indices.map((_, j) => j).sort((a, b) => (r.indices[a] ?? 0) - (r.indices[b] ?? 0));
    for (const j of order) {
      indices[k] = r.indices[j] ?? 0;
      values[k] = r.values[j] ?? 0;
      k++;
    }
  }
  return { starts, indices, values };
};

export class HighsMilpSolver implements MilpSolver {
  async solve(model: MilpModel, options: { timeLimitSeconds: number; absoluteGap: number }): Promise<MilpSolution> {
    const highs = await loadHighs();
    const inf = highs.infinity;
    const clamp = (v: number) => (v === Infinity ? inf : v === -Infinity ? -inf : v);
    const { starts, indices, values } = toCsr(model);
    const numCols = model.cost.length;
    const numRows = model.rows.length;
    return highs.withModel((m): MilpSolution => {
      m.options.set({
        output_flag: false,
        time_limit: options.timeLimitSeconds,
        mip_abs_gap: options.absoluteGap,
        mip_rel_gap: 0,
      });
      m.passModel({
        numCols,
        numRows,
        sense: highs.constants.objectiveSense.maximize,
        colCost: Float64Array.from(model.cost),
        colLower: Float64Array.from(model.lower, clamp),
        colUpper: Float64Array.from(model.upper, clamp),
        rowLower: Float64Array.from(model.rows, (r) => clamp(r.lower)),
        rowUpper: Float64Array.from(model.rows, (r) => clamp(r.upper)),
        matrix: { format: 'csr', numRows, numCols, starts, indices, values },
        integrality: Int32Array.from(model.integer, (i) => (i ? 1 : 0)) as never,
      });
      const run = m.run();
      const seconds = m.getRunTime();
      const status = run.modelStatus;
      const codes = highs.constants.modelStatus as unknown as Record<string, number>;
      const named: MilpSolution['status'] =
        status === codes['optimal']
          ? 'optimal'
          : status === codes['timeLimit']
            ? 'time_limit'
            : status === codes['infeasible']
              ? 'infeasible'
              : 'error';
      if (named === 'infeasible' || named === 'error')
        return { status: named, values: [], objective: 0, bound: 0, seconds };
      const objective = m.getObjectiveValue();
      const bound = Number(m.info.get('mip_dual_bound'));
      return {
        status: named,
        values: Float64Array.from(m.getSolution().colValue),
        objective,
        bound: Number.isFinite(bound) ? bound : objective,
        seconds,
      };
    });
  }
}
