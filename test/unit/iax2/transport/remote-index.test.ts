import { describe, expect, it } from 'vitest';
import { RemoteIndex } from '../../../../electron/core/iax2/transport/remote-index.js';

describe('RemoteIndex (dialogs by far-end address, port and call number)', () => {
  it('tells apart every part of the key, including the highest port and call number', () => {
    const idx = new RemoteIndex<string>();
    const a = { address: '10.0.0.1', port: 4569 };
    idx.set(a, 1, 'a1');
    idx.set(a, 32767, 'a32767');
    idx.set({ address: '10.0.0.1', port: 65535 }, 1, 'hi-port');
    idx.set({ address: '10.0.0.2', port: 4569 }, 1, 'other-address');
    expect(idx.get(a, 1)).toBe('a1');
    expect(idx.get(a, 32767)).toBe('a32767');
    expect(idx.get({ address: '10.0.0.1', port: 65535 }, 1)).toBe('hi-port');
    expect(idx.get({ address: '10.0.0.2', port: 4569 }, 1)).toBe('other-address');
    expect(idx.get({ address: '10.0.0.1', port: 4570 }, 1)).toBeUndefined();
    expect(idx.get(a, 2)).toBeUndefined();
  });

  it('removes an entry only while it is still the one given', () => {
    const idx = new RemoteIndex<string>();
    const a = { address: '10.0.0.1', port: 4569 };
    idx.set(a, 7, 'old');
    idx.set(a, 7, 'new');
    idx.delete(a, 7, 'old');
    expect(idx.get(a, 7)).toBe('new');
    idx.delete(a, 7, 'new');
    expect(idx.get(a, 7)).toBeUndefined();
  });
});
