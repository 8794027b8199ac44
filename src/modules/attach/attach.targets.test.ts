import { describe, expect, it } from 'vitest';
import { areaOf } from './attach.targets.ts';

describe('key-region areas', () => {
  it('uses districts in 北京 and 天津, cities in 河北, the province when only that is known', () => {
    expect(areaOf('BJ', '110108')).toBe('110108');
    expect(areaOf('TJ', '120116')).toBe('120116');
    expect(areaOf('TJ', '120100')).toBe('120000'); // 市辖区 says nothing more than 天津
    expect(areaOf('HE', '130203')).toBe('130200');
    expect(areaOf('HE', '130200')).toBe('130200');
    expect(areaOf('HE', '130000')).toBe('130000');
    expect(areaOf('BJ', '110000')).toBe('110000');
    expect(areaOf(null, '320000')).toBeNull();
    expect(areaOf('BJ', null)).toBeNull();
  });
});
