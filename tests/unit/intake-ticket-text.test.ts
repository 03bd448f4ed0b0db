import { describe, expect, it } from 'vitest';
import {
  cutAtWordBoundary,
  formatDescription,
  formatInternalAnalysis,
  subjectFromMessage,
  summaryFromSubject,
} from '@/lib/intake/ticket-text';

describe('subjectFromMessage', () => {
  it('keeps a short message whole, with whitespace folded', () => {
    expect(subjectFromMessage('  Printer\n jammed  again ')).toBe('Printer jammed again');
  });

  it('cuts at the last word boundary within 50 characters', () => {
    const message = 'My Outlook keeps asking for my password every few minutes since this morning';
    const subject = subjectFromMessage(message);
    expect(subject).toBe('My Outlook keeps asking for my password every few');
    expect(subject.length).toBeLessThanOrEqual(50);
  });

  it('keeps a word that ends exactly at the limit', () => {
    const message = `${'a'.repeat(45)} bcde fgh`;
    expect(subjectFromMessage(message)).toBe(`${'a'.repeat(45)} bcde`);
  });

  it('cuts one overlong word hard', () => {
    expect(subjectFromMessage('x'.repeat(80))).toBe('x'.repeat(50));
  });

  it('counts emoji as characters and never splits one', () => {
    const subject = subjectFromMessage('🔥'.repeat(60));
    expect(Array.from(subject)).toHaveLength(50);
    expect(subject).toBe('🔥'.repeat(50));
  });
});

describe('summaryFromSubject', () => {
  it('caps at Manage\'s 100 characters and falls back when the subject is empty', () => {
    expect(summaryFromSubject('word '.repeat(40), 'm').length).toBeLessThanOrEqual(100);
    expect(summaryFromSubject('   ', 'Screen is black')).toBe('Screen is black');
    expect(summaryFromSubject('', '')).toBe('Help button press');
  });
});

describe('formatDescription', () => {
  it('puts the message first, then each append text', () => {
    expect(formatDescription(' Help ', ['disk 91% full', ' ', 'AV: ok'])).toBe('Help\n\ndisk 91% full\n\nAV: ok');
  });
});

describe('formatInternalAnalysis', () => {
  it('carries the report link, host details, registration request, priv_append and submission errors', () => {
    const text = formatInternalAnalysis({
      reportUrl: 'https://deskbell.example/presses/abc',
      host: { hostname: 'PC-1', username: 'jdoe', domain: 'CORP', localIp: '10.0.0.5', mac: 'AA-BB', os: 'Windows 11', agentVersion: '1.2.0' },
      registration: { name: 'Jane Doe', email: 'jane@new.example', phone: '555-0100' },
      privAppend: ['VIP customer'],
      submissionErrors: ["Board 'Professional Services' not found; used the default board"],
    });
    expect(text).toBe(
      [
        'Deskbell report: https://deskbell.example/presses/abc',
        '[Host Details]\nHostname: PC-1\nUsername: CORP\\jdoe\nLocal IP: 10.0.0.5\nMAC: AA-BB\nOS: Windows 11\nAgent version: 1.2.0',
        '[User Registration Requested]\nName: Jane Doe\nEmail Address: jane@new.example\nPhone: 555-0100',
        'VIP customer',
        "[Submission Errors]\n- Board 'Professional Services' not found; used the default board",
      ].join('\n\n'),
    );
  });

  it('leaves out empty sections', () => {
    expect(formatInternalAnalysis({ reportUrl: 'u', host: {}, privAppend: [], submissionErrors: [] })).toBe(
      'Deskbell report: u',
    );
  });
});

describe('cutAtWordBoundary', () => {
  it('never returns more than max characters', () => {
    for (const text of ['a b c d e f g h i j k', 'abcdefghijk', ' a  bcdefgh ij ']) {
      for (let max = 1; max < 12; max++) expect(Array.from(cutAtWordBoundary(text, max)).length).toBeLessThanOrEqual(max);
    }
  });
});
