/**
 * Data behind the example pages (examples/pages/): the login example's accounts and the
 * reports example's CSV files. Fixed values, so runs and tests are deterministic.
 */
export const EXAMPLE_PASSWORD = 'open-sesame';

export type ExampleAccount = { user: string; plan: string; balance: number };

const ACCOUNTS: Readonly<Record<string, Omit<ExampleAccount, 'user'>>> = {
  alice: { plan: 'pro', balance: 1250.5 },
  bob: { plan: 'team', balance: 310 },
};

/** Any user name has an account; unknown ones are on the free plan. */
export function exampleAccount(user: string): ExampleAccount {
  return { user, ...(ACCOUNTS[user] ?? { plan: 'free', balance: 0 }) };
}

export type ExampleReport = { id: string; title: string; region: 'eu' | 'us' | 'apac'; rows: Array<[month: string, amount: number]> };

/** Also listed, row for row, in examples/pages/reports/index.html (a test keeps both equal). */
export const EXAMPLE_REPORTS: readonly ExampleReport[] = [
  { id: 'r1', title: 'Quarterly sales', region: 'eu', rows: [['2026-01', 1200], ['2026-02', 1350], ['2026-03', 1410]] },
  { id: 'r2', title: 'Support tickets', region: 'eu', rows: [['2026-01', 87], ['2026-02', 64], ['2026-03', 71]] },
  { id: 'r3', title: 'Quarterly sales', region: 'us', rows: [['2026-01', 2210], ['2026-02', 2185], ['2026-03', 2390]] },
  { id: 'r4', title: 'Warehouse stock', region: 'apac', rows: [['2026-01', 540], ['2026-02', 498], ['2026-03', 515]] },
];

export function exampleReportCsv(id: string): string | undefined {
  const report = EXAMPLE_REPORTS.find((candidate) => candidate.id === id);
  if (!report) return undefined;
  const lines = ['report_id,title,region,month,amount', ...report.rows.map(([month, amount]) => `${report.id},${report.title},${report.region},${month},${amount}`)];
  return `${lines.join('\n')}\n`;
}
