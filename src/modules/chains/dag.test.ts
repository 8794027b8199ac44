import { describe, expect, it } from 'vitest';
import { cycleIfAdded, findCycle, layers } from './dag.ts';

describe('chain DAG helpers', () => {
  const edges: Array<[string, string]> = [
    ['质子交换膜', '膜电极'],
    ['催化剂', '膜电极'],
    ['膜电极', '电堆'],
    ['电堆', '燃料电池系统'],
  ];

  it('allows an edge that keeps the graph acyclic', () => {
    expect(cycleIfAdded(edges, '催化剂', '燃料电池系统')).toBeNull();
  });

  it('names the nodes of the cycle an edge would close', () => {
    expect(cycleIfAdded(edges, '燃料电池系统', '膜电极')).toEqual(['燃料电池系统', '膜电极', '电堆', '燃料电池系统']);
    expect(cycleIfAdded(edges, '电堆', '电堆')).toEqual(['电堆', '电堆']);
  });

  it('finds a cycle in a whole definition', () => {
    expect(findCycle(['a', 'b', 'c'], [['a', 'b'], ['b', 'c'], ['c', 'a']])).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(['a', 'b'], [['a', 'b']])).toBeNull();
  });

  it('layers nodes by longest path from the sources', () => {
    const l = layers(['质子交换膜', '催化剂', '膜电极', '电堆', '燃料电池系统'], edges);
    expect(l.get('质子交换膜')).toBe(0);
    expect(l.get('膜电极')).toBe(1);
    expect(l.get('燃料电池系统')).toBe(3);
  });
});
