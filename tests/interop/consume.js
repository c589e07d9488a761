'use strict';
// node consume.js <nameSrv> <topic> <group> [--expression E] [--broadcast] [--fail-first-times N] [--instance NAME]
// Prints {event:"ready"}, then {event:"assigned", queues:[...]} whenever its queues change, one
// {event:"message", ...} line per delivery (redeliveries included), and {event:"failed", ...} for each
// delivery it refuses on purpose. Stops cleanly (offsets committed, client unregistered) when stdin closes.
const { Consumer, baseOptions, emit, fail, describe } = require('./common');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

async function main() {
  const [nameSrv, topic, group] = process.argv.slice(2);
  const expression = arg('--expression', '*');
  const failTimes = Number(arg('--fail-first-times', '0'));
  const options = Object.assign(baseOptions(nameSrv), {
    consumerGroup: group,
    isBroadcast: process.argv.includes('--broadcast'),
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    rebalanceInterval: 1000,
    persistConsumerOffsetInterval: 1000,
  });
  const instance = arg('--instance', null);
  if (instance) options.instanceName = instance;
  const consumer = new Consumer(options);
  consumer.on('error', err => console.error('[consumer error]', err && err.message));
  const attempts = new Map();
  consumer.subscribe(topic, expression, async msg => {
    const key = msg.originMessageId || msg.msgId;
    const n = (attempts.get(key) || 0) + 1;
    attempts.set(key, n);
    if (n <= failTimes) {
      emit(Object.assign(describe(msg), { event: 'failed', attempt: n }));
      throw new Error('interop test: refusing attempt ' + n);
    }
    emit(Object.assign(describe(msg), { attempt: n }));
  });
  await consumer.ready();
  emit({ event: 'ready', clientId: consumer.clientId });

  let last = '';
  const timer = setInterval(() => {
    const queues = [];
    for (const [key, pq] of consumer.processQueueTable) {
      if (!pq.dropped && key.includes('topic="' + topic + '"')) queues.push(key);
    }
    queues.sort();
    const now = JSON.stringify(queues);
    if (now !== last) {
      last = now;
      emit({ event: 'assigned', queues });
    }
  }, 100);

  process.stdin.resume();
  process.stdin.on('end', async () => {
    clearInterval(timer);
    try {
      await consumer.close();
    } finally {
      emit({ event: 'closed' });
      process.exit(0);
    }
  });
}

main().catch(fail);
