// Check reports shared by probe (and later doctor/verify-key): `[status] id: title - message`
// lines in text, or stable JSON `{name, checks:[{id,title,status,message?}]}`.

export type CheckStatus = "pass" | "warn" | "fail" | "skip";

export interface Check {
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly message?: string;
}

export interface Report {
  readonly name: string;
  readonly checks: readonly Check[];
}

export function renderReport(report: Report, format: "text" | "json"): string {
  if (format === "json") {
    const checks = report.checks.map((c) => ({ id: c.id, title: c.title, status: c.status, ...(c.message ? { message: c.message } : {}) }));
    return JSON.stringify({ name: report.name, checks }, null, 2) + "\n";
  }
  const lines = [report.name, ...report.checks.map((c) => `[${c.status}] ${c.id}: ${c.title}${c.message ? ` - ${c.message}` : ""}`)];
  return lines.join("\n") + "\n";
}

export const hasFailure = (report: Report) => report.checks.some((c) => c.status === "fail");
