import type { TimelineEvent, TimelineEventKind } from '@/lib/presses/types';
import { LocalTime } from '@/components/ui/local-time';

export type PressTimelineProps = { events: TimelineEvent[] };

const dot: Record<TimelineEventKind, string> = {
  received: 'bg-slate-400',
  processing: 'bg-sky-500',
  retrying: 'bg-amber-500',
  ticket_created: 'bg-emerald-500',
  refused: 'bg-slate-600',
  dead: 'bg-red-600',
  files_removed: 'bg-slate-300',
  status_changed: 'bg-sky-600',
  note_added: 'bg-violet-500',
  internal_note: 'bg-slate-300',
  assigned: 'bg-indigo-500',
  closed: 'bg-emerald-700',
};

/** The press's life: received, processing, retries, ticket created (or refused, or given up), then the ticket's own events and who was told. */
export function PressTimeline({ events }: PressTimelineProps) {
  if (events.length === 0) return <p className="text-sm text-slate-500">Nothing has happened yet.</p>;
  return (
    <ol className="m-0 list-none space-y-3 p-0 text-sm" data-testid="press-timeline">
      {events.map((event, i) => (
        <li key={`${i}-${event.kind}`} className="flex gap-3" data-kind={event.kind}>
          <span aria-hidden="true" className={`mt-1.5 h-2.5 w-2.5 shrink-0 rounded-full ${dot[event.kind]}`} />
          <div>
            <div className="font-medium">{event.label}</div>
            <div className="text-xs text-slate-500">{event.at ? <LocalTime iso={event.at} /> : 'time not recorded'}</div>
            {event.detail ? <div className="mt-1 whitespace-pre-wrap break-words text-slate-600">{event.detail}</div> : null}
          </div>
        </li>
      ))}
    </ol>
  );
}
