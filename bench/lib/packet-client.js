'use strict';
// A lean MQTT 3.1.1 client for the load generator: CONNECT, PUBLISH (QoS 0/1), PUBACK, PINGREQ and DISCONNECT
// over one TCP socket. It has what a publishing device needs and nothing else: no outgoing store, no reconnect,
// no subscriptions. CONNECT, PINGREQ and DISCONNECT are encoded, and whatever the broker sends is decoded, by
// mqtt-packet (the codec of both mqtt.js and aedes); the two packets of the hot path are framed here, as
// MQTT 3.1.1 §3.3 and §3.4 lay them out: PUBLISH (fixed header, remaining length, topic, message id, payload)
// and PUBACK (0x40 0x02 and the message id), which is read straight off the socket while the broker sends only
// those. Its point is cost: mqtt.js spends ≈ 20 µs of CPU per QoS 1 publish, which on a 2-core machine
// is CPU taken from the broker under test (bench/README.md, "Load generator").
//
// The surface is the part of mqtt.js' MqttClient that loadgen.js uses: events 'connect', 'error', 'close',
// 'message' (topic, payload); `connected`; `publish(topic, payload, { qos }, callback)`;
// `subscribe(filter, { qos }, callback)` (an incoming QoS 1 message is acknowledged once its 'message'
// listeners have run); `end(force, options, callback)`.
const { EventEmitter } = require('node:events');
const mqttPacket = require('mqtt-packet');

const MAX_MESSAGE_ID = 65535;

class PacketClient extends EventEmitter {
  /**
   * @param {() => import('node:net').Socket} connect opens the TCP connection
   * @param {{ clientId: string, username?: string, password?: string, keepalive: number, clean?: boolean, connectTimeout?: number }} options
   */
  constructor(connect, options) {
    super();
    this.connected = false;
    this.closed = false;
    this.pending = new Array(MAX_MESSAGE_ID + 1); // messageId → callback of an unacknowledged QoS 1 publish
    this.inflight = 0;
    this.nextId = 1;
    this.corked = false;
    this.lastWrite = Date.now();
    this.keepalive = options.keepalive;
    this.parser = mqttPacket.parser({ protocolVersion: 4 });
    this.parser.on('packet', (packet) => this.onPacket(packet));
    this.parser.on('error', (error) => this.fail(error));
    this.parsing = true; // everything goes through mqtt-packet until the CONNACK
    this.rest = null; // the start of a PUBACK cut by a chunk boundary
    this.topics = new Map(); // topic → its encoded length-prefixed UTF-8 bytes
    this.socket = connect();
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.onClose());
    this.connectTimer = setTimeout(() => this.fail(new Error('connack timeout')), options.connectTimeout ?? 30000);
    this.write(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clientId: options.clientId,
        clean: options.clean ?? true,
        keepalive: options.keepalive,
        ...(options.username !== undefined ? { username: options.username } : {}),
        ...(options.password !== undefined ? { password: Buffer.from(options.password) } : {}),
      }),
    );
  }

  publish(topic, payload, { qos = 0 } = {}, callback = () => undefined) {
    if (!this.connected) {
      process.nextTick(callback, new Error('client is not connected'));
      return;
    }
    if (qos === 0) {
      this.write(this.publishPacket(topic, payload, 0, 0));
      process.nextTick(callback, null);
      return;
    }
    if (qos !== 1) throw new Error('PacketClient publishes QoS 0 or 1 only');
    if (this.inflight >= MAX_MESSAGE_ID) {
      process.nextTick(callback, new Error('no free message id'));
      return;
    }
    const id = this.freeMessageId();
    this.pending[id] = callback;
    this.inflight++;
    this.write(this.publishPacket(topic, payload, 1, id));
  }

  /** The next message id no unacknowledged publish holds (1…65535, wrapping); the caller made sure one is free. */
  freeMessageId() {
    const after = (id) => (id === MAX_MESSAGE_ID ? 1 : id + 1);
    let id = this.nextId;
    while (this.pending[id] !== undefined) id = after(id);
    this.nextId = after(id);
    return id;
  }

  /**
   * PUBLISH, no DUP, no RETAIN: 0x30 | QoS << 1, remaining length (variable byte integer), topic, the message id
   * (QoS 1 only), payload.
   */
  publishPacket(topic, payload, qos, id) {
    let encodedTopic = this.topics.get(topic);
    if (encodedTopic === undefined) {
      const bytes = Buffer.from(topic, 'utf8');
      encodedTopic = Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
      if (this.topics.size < 16) this.topics.set(topic, encodedTopic);
    }
    const payloadLength = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    const remaining = encodedTopic.length + (qos > 0 ? 2 : 0) + payloadLength;
    const lengthBytes = remaining < 128 ? 1 : remaining < 16384 ? 2 : remaining < 2097152 ? 3 : 4;
    const packet = Buffer.allocUnsafe(1 + lengthBytes + remaining);
    packet[0] = 0x30 | (qos << 1);
    let offset = 1;
    for (let r = remaining; ; ) {
      const digit = r & 0x7f;
      r >>>= 7;
      packet[offset++] = r > 0 ? digit | 0x80 : digit;
      if (r === 0) break;
    }
    offset += encodedTopic.copy(packet, offset);
    if (qos > 0) {
      packet[offset++] = id >> 8;
      packet[offset++] = id & 0xff;
    }
    if (typeof payload === 'string') packet.write(payload, offset, 'utf8');
    else payload.copy(packet, offset);
    return packet;
  }

  /** PUBACKs (and PINGRESPs) are read here; anything else switches to mqtt-packet's parser for good. */
  onData(chunk) {
    if (this.parsing) {
      this.parser.parse(chunk);
      return;
    }
    let buffer = chunk;
    if (this.rest !== null) {
      buffer = Buffer.concat([this.rest, chunk]);
      this.rest = null;
    }
    let offset = 0;
    while (offset < buffer.length) {
      const type = buffer[offset];
      if (type === 0x40) {
        if (buffer.length - offset < 4) break;
        if (buffer[offset + 1] !== 2) return this.handOver(buffer.subarray(offset));
        this.acknowledged((buffer[offset + 2] << 8) | buffer[offset + 3]);
        offset += 4;
      } else if (type === 0xd0) {
        if (buffer.length - offset < 2) break;
        if (buffer[offset + 1] !== 0) return this.handOver(buffer.subarray(offset));
        offset += 2;
      } else return this.handOver(buffer.subarray(offset));
    }
    if (offset < buffer.length) this.rest = Buffer.from(buffer.subarray(offset));
  }

  handOver(buffer) {
    this.parsing = true;
    this.parser.parse(buffer);
  }

  acknowledged(messageId) {
    const callback = this.pending[messageId];
    if (callback === undefined) return; // not ours (or a duplicate acknowledgement)
    this.pending[messageId] = undefined;
    this.inflight--;
    callback(null);
  }

  subscribe(filter, { qos = 0 } = {}, callback = () => undefined) {
    if (!this.connected) {
      process.nextTick(callback, new Error('client is not connected'));
      return;
    }
    if (this.inflight >= MAX_MESSAGE_ID) {
      process.nextTick(callback, new Error('no free message id'));
      return;
    }
    const messageId = this.freeMessageId();
    this.subscribing = { messageId, callback };
    this.parsing = true; // SUBACK and the messages that follow go through mqtt-packet
    this.write(mqttPacket.generate({ cmd: 'subscribe', messageId, subscriptions: [{ topic: filter, qos }] }));
  }

  /** Sends DISCONNECT and closes (`force`: closes at once). Calls back when the socket is closed. */
  end(force = false, _options = {}, callback = () => undefined) {
    if (this.closed) {
      process.nextTick(callback);
      return;
    }
    this.once('close', () => callback());
    if (force) {
      this.socket.destroy();
      return;
    }
    if (this.connected) this.write(mqttPacket.generate({ cmd: 'disconnect' }));
    this.socket.end();
  }

  /** Packets written in one turn of the event loop leave in one system call. */
  write(buffer) {
    if (this.socket.destroyed) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(buffer);
    this.lastWrite = Date.now();
  }

  onPacket(packet) {
    switch (packet.cmd) {
      case 'puback':
        this.acknowledged(packet.messageId);
        return;
      case 'connack':
        clearTimeout(this.connectTimer);
        if (packet.returnCode !== 0) {
          this.fail(new Error(`connection refused: return code ${packet.returnCode}`));
          return;
        }
        this.connected = true;
        this.parsing = false; // the CONNACK is the only packet the parser had: it holds nothing after it
        if (this.keepalive > 0) {
          // A PINGREQ when nothing else was sent for half the keepalive interval (MQTT 3.1.1 §3.1.2.10).
          const half = (this.keepalive * 1000) / 2;
          this.pingTimer = setInterval(() => {
            if (Date.now() - this.lastWrite >= half) this.write(mqttPacket.generate({ cmd: 'pingreq' }));
          }, Math.min(half, 5000));
        }
        this.emit('connect', packet);
        return;
      case 'suback': {
        const subscribing = this.subscribing;
        if (!subscribing || subscribing.messageId !== packet.messageId) return;
        this.subscribing = null;
        const refused = packet.granted.some((code) => code === 128);
        subscribing.callback(refused ? new Error('subscription refused') : null, packet.granted);
        return;
      }
      case 'publish':
        this.emit('message', packet.topic, packet.payload);
        if (packet.qos === 1) this.write(Buffer.from([0x40, 0x02, packet.messageId >> 8, packet.messageId & 0xff]));
        return;
      default:
        return; // pingresp
    }
  }

  fail(error) {
    if (this.listenerCount('error') > 0) this.emit('error', error);
    this.socket.destroy();
  }

  onClose() {
    if (this.closed) return;
    this.closed = true;
    this.connected = false;
    clearTimeout(this.connectTimer);
    clearInterval(this.pingTimer);
    const closedError = new Error('connection closed');
    for (let id = 1; id <= MAX_MESSAGE_ID && this.inflight > 0; id++) {
      const callback = this.pending[id];
      if (callback === undefined) continue;
      this.pending[id] = undefined;
      this.inflight--;
      callback(closedError);
    }
    this.emit('close');
  }
}

module.exports = { PacketClient };
