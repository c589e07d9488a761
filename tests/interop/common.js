'use strict';
// Shared helpers for the interop scripts: ali-ons clients pointed at an Mq NameServer, quiet logs,
// JSON lines on stdout (one object per line, read by the NUnit tests).

const { Producer, Consumer, Message } = require('ali-ons');

// ali-ons logs a lot at info level; keep only warnings and errors, on stderr (the tests print stderr on failure).
const quietLogger = {
  info() {},
  debug() {},
  warn(...args) { console.error('[ali-ons warn]', ...args); },
  error(...args) { console.error('[ali-ons error]', ...args); },
};

// ali-ons asserts an HTTP client for its address service; with nameSrv set it is never called.
const noHttp = { request() { throw new Error('no address service: nameSrv is given'); } };

function baseOptions(nameSrv) {
  const options = {
    nameSrv: nameSrv.split(';'),
    httpclient: noHttp,
    logger: quietLogger,
  };
  // ali-ons signs every request when it has keys (its own signer, not Mq's): the ACL interop test sets them.
  if (process.env.MQ_ACCESS_KEY) {
    options.accessKey = process.env.MQ_ACCESS_KEY;
    options.secretKey = process.env.MQ_SECRET_KEY;
  }
  return options;
}

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function fail(err) {
  emit({ event: 'error', message: String(err && err.stack || err) });
  process.exit(2);
}

function describe(msg) {
  return {
    event: 'message',
    msgId: msg.msgId,
    topic: msg.topic,
    tags: msg.tags || null,
    keys: (msg.properties.KEYS || '').split(' ').filter(Boolean),
    properties: msg.properties,
    body: msg.body ? msg.body.toString('base64') : '',
    bodyLength: msg.body ? msg.body.length : 0,
    queueId: msg.queueId,
    queueOffset: msg.queueOffset,
    reconsumeTimes: msg.reconsumeTimes,
  };
}

module.exports = { Producer, Consumer, Message, baseOptions, emit, fail, describe };
