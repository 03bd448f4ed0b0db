import { describe, expect, it } from 'vitest';
import { formatDuration, formatTime } from '@/components/ui/format';
import { decodeCursor, encodeCursor, readPressListQuery, toFilterQuery } from '@/lib/presses/list-presses';
import { contentDisposition } from '@/lib/presses/press-files';
import { median } from '@/lib/presses/press-stats';

describe('contentDisposition', () => {
  it('never lets a filename break the header', () => {
    const header = contentDisposition('attachment', 'a"b\\c\r\nSet-Cookie: x=1;.txt');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toBe(`attachment; filename="a_b_c__Set-Cookie: x=1;.txt"; filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie%3A%20x%3D1%3B.txt`);
  });

  it('carries non-ASCII names in filename*', () => {
    expect(contentDisposition('inline', 'Écran (1).png')).toBe(`inline; filename="_cran (1).png"; filename*=UTF-8''%C3%89cran%20%281%29.png`);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([10, 1, 4, 2])).toBe(3);
  });
});

describe('the list query in the URL', () => {
  it('round-trips a cursor and refuses a forged one', () => {
    const cursor = { receivedAt: '2026-11-28T10:00:00.000Z', id: 'abc' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(() => decodeCursor(Buffer.from('["yesterday","abc"]').toString('base64url'))).toThrow(/cursor is not valid/);
  });

  it('drops only the filters that do not parse, and says which', () => {
    const { query, problems } = readPressListQuery({ status: 'dead', q: ' printer ', from: '2026-02-31', to: '2026-03-01' });
    expect(query).toMatchObject({ status: 'dead', q: 'printer', to: '2026-03-01', limit: 25 });
    expect(query.from).toBeUndefined();
    expect(problems).toEqual(['from: is not a calendar date']);
    expect(toFilterQuery(query)).toBe('status=dead&q=printer&to=2026-03-01');
  });

  it('treats "all" and blanks as no filter', () => {
    expect(readPressListQuery({ status: 'all', q: '  ', from: '' }).query).toEqual({ limit: 25 });
  });
});

describe('formatting', () => {
  it('formats durations for people', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(4_200)).toBe('4.2 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(3_900_000)).toBe('1 h 5 min');
    expect(formatDuration(90_000_000)).toBe('1 d 1 h');
  });

  it('shows one absolute form, in the zone it is given (the server passes UTC)', () => {
    expect(formatTime('2026-11-28T10:00:05.123Z', 'UTC')).toBe('28 Nov 2026, 10:00:05 UTC');
    expect(formatTime(null)).toBe('—');
  });
});
