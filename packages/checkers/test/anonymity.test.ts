import { describe, expect, it } from '@jest/globals';
import { classifyAnonymity } from '../src/index.js';

const base = { remoteAddr: '127.0.0.9', ownIps: ['127.0.0.1'] };

describe('classifyAnonymity', () => {
  it('is elite when nothing reveals a proxy or the client', () => {
    expect(classifyAnonymity({ ...base, headers: { host: '127.0.0.1:8080', 'user-agent': 'x', accept: '*/*' } })).toBe(
      'elite',
    );
  });

  it('is anonymous when proxy headers were added without the client address', () => {
    for (const name of [
      'Via',
      'X-Forwarded-For',
      'Forwarded',
      'X-Real-IP',
      'Proxy-Connection',
      'Client-IP',
      'X-Proxy-ID',
      'X-BlueCoat-Via',
    ]) {
      expect(classifyAnonymity({ ...base, headers: { [name]: '198.51.100.77' } })).toBe('anonymous');
    }
  });

  it('is transparent when an own address appears anywhere the judge looked', () => {
    expect(classifyAnonymity({ ...base, headers: { 'x-forwarded-for': '10.0.0.1, 127.0.0.1' } })).toBe('transparent');
    expect(classifyAnonymity({ ...base, headers: { forwarded: 'for="127.0.0.1:5555";proto=http' } })).toBe(
      'transparent',
    );
    expect(classifyAnonymity({ ...base, headers: { 'x-anything': '::ffff:127.0.0.1' } })).toBe('transparent');
    expect(classifyAnonymity({ ...base, remoteAddr: '127.0.0.1', headers: {} })).toBe('transparent');
  });

  it('does not mistake a longer address, the Host header or headers the checker sent for a leak', () => {
    expect(classifyAnonymity({ ...base, headers: { 'x-forwarded-for': '127.0.0.10' } })).toBe('anonymous');
    expect(classifyAnonymity({ ...base, headers: { host: '127.0.0.1:80', 'x-note': 'seen' } })).toBe('elite');
    const sentHeaders = { 'x-probe': 'from 127.0.0.1' };
    expect(classifyAnonymity({ ...base, headers: { 'x-probe': 'from 127.0.0.1' }, sentHeaders })).toBe('elite');
  });
});
