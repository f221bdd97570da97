import { chooseWorker } from './dispatch-policy';
import { WorkerLoad } from '../workers/worker.types';

const worker = (overrides: Partial<WorkerLoad>): WorkerLoad => ({ id: 'w1', name: 'w1', gridCodes: [], openTasks: 0, ...overrides });

describe('chooseWorker', () => {
  it('picks the on-duty worker with the fewest open tasks', () => {
    expect(chooseWorker([worker({ id: 'a', openTasks: 3 }), worker({ id: 'b', openTasks: 1 })])?.id).toBe('b');
  });

  it('breaks ties by id so the choice is repeatable', () => {
    expect(chooseWorker([worker({ id: 'b' }), worker({ id: 'a' })])?.id).toBe('a');
  });

  it('returns null when nobody is available', () => {
    expect(chooseWorker([])).toBeNull();
  });
});
