import type { AttachmentView } from '@/lib/presses/types';
import { formatBytes } from '@/components/ui/format';
import { LocalTime } from '@/components/ui/local-time';

export type AttachmentListProps = { attachments: AttachmentView[] };

/** Files other than screenshots; they download (never render) from their route. */
export function AttachmentList({ attachments }: AttachmentListProps) {
  if (attachments.length === 0) return <p className="text-sm text-slate-500">No attachments.</p>;
  return (
    <ul className="m-0 list-none space-y-1 p-0 text-sm" data-testid="attachments">
      {attachments.map((a) => (
        <li key={a.id} className="flex flex-wrap items-baseline gap-2">
          {a.removedAt ? (
            <span className="text-slate-500">
              {a.filename}: removed by retention on <LocalTime iso={a.removedAt} dateOnly />
            </span>
          ) : (
            <a href={a.href} download={a.filename} className="text-bell-700 underline">
              {a.filename}
            </a>
          )}
          <span className="text-xs text-slate-500">
            {a.contentType} · {formatBytes(a.size)}
          </span>
        </li>
      ))}
    </ul>
  );
}
