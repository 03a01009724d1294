import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StreamEnvironment } from '../api/stream-environment.js';
import type { DeadLetter } from '../core/dead-letter.js';
import type { SinkContext } from '../core/sink.js';
import { collectSink } from '../testing/index.js';

describe('the one dead-letter route', () => {
  it('delivers every dead letter to the dead-letter sink, also those a sink reports while it flushes at the end', async () => {
    const letters2 = collectSink<DeadLetter>();
    const env2 = StreamEnvironment.create({ deadLetterSink: letters2, log: () => {} });
    env2.fromElements(1, 2, 3, 4, 5).sinkTo(
      {
        name: 'rejecting',
        createWriter: (ctx: SinkContext) => {
          const buffered: number[] = [];
          return {
            write: (b) => {
              buffered.push(...(b.values as number[]));
            },
            flush: async () => {
              for (const n of buffered.splice(0)) {
                if (n % 2 === 1)
                  ctx.deadLetter({ origin: 'elements', position: n, reason: `odd ${n}`, record: n });
              }
            },
          };
        },
      },
      { uid: 'target' },
    );
    const result = await env2.execute();
    assert.equal(result.metrics.deadLetters, 3);
    assert.deepEqual(
      letters2.values.map((l) => [l.operatorId, l.position, l.reason]),
      [
        ['target', 1, 'odd 1'],
        ['target', 3, 'odd 3'],
        ['target', 5, 'odd 5'],
      ],
    );
  });
});
