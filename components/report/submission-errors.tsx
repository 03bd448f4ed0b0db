import type { FileErrorView } from '@/lib/presses/types';

export type SubmissionErrorsProps = {
  errors: string[];
  fileErrors?: FileErrorView[];
  configurationError?: string | null;
};

/** What Manage would not take as sent, and what Deskbell did instead (the ticket was still created). */
export function SubmissionErrors({ errors, fileErrors = [], configurationError = null }: SubmissionErrorsProps) {
  const items = [
    ...errors,
    ...fileErrors.map((f) => `File ${f.filename} was not uploaded: ${f.message}`),
    ...(configurationError ? [configurationError] : []),
  ];
  if (items.length === 0) {
    return (
      <p className="text-sm text-slate-500" data-testid="submission-errors-empty">
        No submission errors: Manage took every value as sent.
      </p>
    );
  }
  return (
    <ul className="m-0 list-disc space-y-1 pl-5 text-sm text-amber-900" aria-label="Submission Errors" data-testid="submission-errors">
      {items.map((text, i) => (
        <li key={i}>{text}</li>
      ))}
    </ul>
  );
}
