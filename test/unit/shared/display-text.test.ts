// Network text escaped for display is one to one: rawText() gives back exactly what displayText() was given (the
// redial command prints the exact text from the phone's escaped views with --json), and no unsafe character
// survives the escaping. The call history stores escaped text (version 2) and escapes older documents once.
import { describe, expect, it } from 'vitest';
import { displayText, rawText } from '../../../electron/shared/display-text.js';
import { CallHistory, displayHistoryEntry, type StoredHistory } from '../../../electron/core/phone/call-history.js';
import { MemoryDocumentStore } from '../../../electron/adapters/memory-document-store.js';
import { SeededRng } from '../../support/seeded-random.js';

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('displayText / rawText', () => {
  it('round-trips texts that look like escapes, backslashes next to escaped characters, and hostile ones', () => {
    for (const s of ['\x1b]0;pwned\x07Mallory', 'a\\x41b', '\\', '\\\x1b', '\\x5c', '\\u{41}', '\\\\x1b', 'a\\b',
      '\u202eevil\u202c', 'C:\\x64\\new', '\\u{110000}', '']) {
      const shown = displayText(s);
      expect(shown).not.toMatch(UNSAFE);
      expect(rawText(shown)).toBe(s);
    }
    expect(displayText('a\\x41b')).toBe('a\\x5cx41b');
    expect(displayText('plain \\ text')).toBe('plain \\ text');
  });

  it('round-trips 2000 random texts drawn from backslashes, escape letters, hex digits and unsafe characters', () => {
    const alphabet = ['\\', 'x', 'u', '{', '}', '1', 'b', 'f', '5', 'c', '\x1b', '\n', '\u202e', '\u009b', 'é', 'a', ' '];
    const random = new SeededRng(7);
    for (let n = 0; n < 2000; n++) {
      let s = '';
      for (let i = random.int(0, 12); i > 0; i--) s += alphabet[random.int(0, alphabet.length - 1)];
      const shown = displayText(s);
      expect(shown).not.toMatch(UNSAFE);
      expect(rawText(shown), JSON.stringify(s)).toBe(s);
    }
  });
});

describe('call history text', () => {
  const entry = { id: 'h1', direction: 'incoming' as const, number: '6001\nx', remoteName: 'M\x1b[2J', startedAt: 1, endedAt: 2,
    durationSeconds: 0, outcome: 'missed' as const };

  it('keeps what it adds escaped once, stores version 2, and loads version 2 as stored', async () => {
    const store = new MemoryDocumentStore<StoredHistory>();
    const history = new CallHistory(store);
    await history.load();
    await history.add(displayHistoryEntry(entry));
    const saved = JSON.parse(store.text ?? '{}') as StoredHistory;
    expect(saved.version).toBe(2);
    expect(saved.entries[0]).toMatchObject({ number: '6001\\x0ax', remoteName: 'M\\x1b[2J' });
    const again = new CallHistory(store);
    await again.load();
    expect(again.list()[0]).toMatchObject({ number: '6001\\x0ax', remoteName: 'M\\x1b[2J' });
  });

  it('escapes a version 1 document (text as the network sent it) when it loads it', async () => {
    const history = new CallHistory(new MemoryDocumentStore<StoredHistory>({ version: 1, entries: [entry] }));
    await history.load();
    expect(history.list()[0]).toMatchObject({ number: '6001\\x0ax', remoteName: 'M\\x1b[2J' });
  });
});
