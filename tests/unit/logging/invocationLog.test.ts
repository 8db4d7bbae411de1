/** One invocation's log: its keys on its lines only, and lines after its answer marked. */
import { invocationLog } from '../../../src/logging/logger';
import { captureLog } from '../../helpers/lambda';

describe('invocationLog', () => {
  it('puts its keys on its own lines and none on the shared log', () => {
    const base = captureLog();
    const first = invocationLog(base, {}, { executionId: 'a' });
    const second = invocationLog(base, {}, { executionId: 'b' });
    first.info('one');
    second.info('two');
    base.info('shared');
    expect(base.lines.map((l) => [l.message, l.fields.executionId])).toEqual([
      ['one', 'a'],
      ['two', 'b'],
      ['shared', undefined],
    ]);
  });

  it('marks what is logged after the answer, still under its own keys', () => {
    const base = captureLog();
    const log = invocationLog(base, {}, { executionId: 'a' });
    log.close();
    invocationLog(base, {}, { executionId: 'b' }).info('next');
    log.warn('late', { detail: 1 });
    expect(base.lines.at(-1)).toEqual({
      level: 'warn',
      message: 'late',
      fields: { executionId: 'a', afterAnswer: true, detail: 1 },
    });
  });

  it('uses a child logger of its own where the base can make one', () => {
    const base = captureLog();
    const child = captureLog();
    const log = invocationLog(
      { ...base, createChild: () => child },
      { functionName: 'f' },
      { k: 1 },
    );
    log.error('x');
    expect(child.lines).toHaveLength(1);
    expect(child.contexts).toEqual([{ functionName: 'f' }]);
    expect(base.lines).toHaveLength(0);
  });
});
