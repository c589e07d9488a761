'use strict';
// node produce.js <nameSrv> <topic> <group>   (reads a JSON array of messages on stdin)
// Each input item: { tags, keys: [..], properties: {..}, body: base64, shardingKey }.
// Prints one {event:"sent", index, msgId, queueId, queueOffset, status} line per message, then {event:"done"}.
const { Producer, Message, baseOptions, emit, fail } = require('./common');

async function main() {
  const [nameSrv, topic, group] = process.argv.slice(2);
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const items = JSON.parse(input);
  const producer = new Producer(Object.assign(baseOptions(nameSrv), { producerGroup: group, sendMsgTimeout: 10000 }));
  producer.on('error', err => console.error('[producer error]', err));
  await producer.ready();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const msg = new Message(topic, item.tags || null, Buffer.from(item.body || '', 'base64'));
    if (item.keys && item.keys.length) msg.keys = item.keys;
    for (const [k, v] of Object.entries(item.properties || {})) msg.properties[k] = v;
    if (item.shardingKey) msg.shardingKey = item.shardingKey;
    const result = await producer.send(msg);
    emit({ event: 'sent', index: i, msgId: result.msgId, queueId: result.messageQueue.queueId, queueOffset: result.queueOffset, status: result.sendStatus });
  }
  await producer.close();
  emit({ event: 'done' });
  process.exit(0);
}

main().catch(fail);
