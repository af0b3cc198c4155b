// The lottery experiment's table columns and their mean ± std over seeds: what `tinyforge experiment` prints, kept
// apart from the experiment itself so that printing the table loads no training code.

export const LOTTERY_COLUMNS = ['unpruned', 'fine-tuned', 'lottery', 'scratch-e', 'scratch-b'] as const;
export type LotteryColumn = (typeof LOTTERY_COLUMNS)[number];

export const meanStd = (v: number[]): { mean: number; std: number } => {
  const mean = v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  const std = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, std };
};
