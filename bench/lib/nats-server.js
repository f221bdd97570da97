// A nats-server of the benchmark's own: JetStream in a temporary directory, the MQTT listener (it needs a server
// name and JetStream), free ports, and an authorization block including the users file the hub writes
// (NATS_ACCOUNTS_FILE), reloaded by SIGHUP through its PID file. The machine's NATS on 4222 has no MQTT listener.
'use strict';
const { spawn } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { createConnection, createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const BINARY = process.env.BENCH_NATS_SERVER ?? '/usr/sbin/nats-server';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const listening = (port) =>
  new Promise((resolve) => {
    const socket = createConnection(port, '127.0.0.1', () => (socket.end(), resolve(true)));
    socket.on('error', () => resolve(false));
  });

async function startNatsServer({ hubUser, hubPassword }) {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing (apt-get install -y nats-server)`);
  const dir = mkdtempSync(join(tmpdir(), 'gridhub-bench-nats-'));
  const clientPort = await freePort();
  const mqttPort = await freePort();
  const usersFile = join(dir, 'users.conf');
  const pidFile = join(dir, 'nats.pid');
  writeFileSync(usersFile, `users = [ { user: ${JSON.stringify(hubUser)}, password: ${JSON.stringify(hubPassword)} } ]\n`);
  writeFileSync(
    join(dir, 'nats.conf'),
    [
      `server_name: gridhub_bench_${clientPort}`,
      `listen: 127.0.0.1:${clientPort}`,
      `pid_file: ${JSON.stringify(pidFile)}`,
      `jetstream { store_dir: ${JSON.stringify(join(dir, 'js'))} }`,
      `mqtt { listen: 127.0.0.1:${mqttPort} }`,
      'authorization {',
      '  include ./users.conf',
      '}',
      '',
    ].join('\n'),
  );
  const child = spawn(BINARY, ['-c', join(dir, 'nats.conf'), '-l', join(dir, 'nats.log')], { stdio: 'ignore' });
  for (let i = 0; !((await listening(clientPort)) && (await listening(mqttPort))); i++) {
    if (i > 100) throw new Error('nats-server did not start listening');
    await sleep(100);
  }
  /** CPU seconds (user + system) the server has used so far, from /proc. */
  const cpuSeconds = () => {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 per second)
  };
  return {
    url: `nats://${encodeURIComponent(hubUser)}:${encodeURIComponent(hubPassword)}@127.0.0.1:${clientPort}`,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    usersFile,
    pidFile,
    cpuSeconds,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { startNatsServer };
