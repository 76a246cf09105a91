// Kafka broker for tests: an external one from KAFKA_BROKERS, a Testcontainers broker
// when a Docker engine responds, or else the local broker from deploy/kafka.

import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const kafkaDeployDir = fileURLToPath(new URL('../../deploy/kafka/', import.meta.url));

// Confluent Platform 8.0 ships Apache Kafka 4.0. @testcontainers/kafka drives the
// Confluent image's entry point, so other images need a different container class.
const defaultKafkaImage = 'confluentinc/cp-kafka:8.0.0';

const dockerPingTimeoutMs = 2_000;

// start.sh waits up to its --timeout for the broker; this outer limit also covers
// fetch.sh and the JVM start of the storage formatter.
const localStartTimeoutSeconds = 150;

export interface KafkaHandle {
  brokers: string[];
  source: 'env' | 'testcontainers' | 'local';
  stop(): Promise<void>;
}

/**
 * Starts or selects a Kafka broker, in this order: the comma-separated KAFKA_BROKERS,
 * a Testcontainers broker when a Docker engine responds to a ping, or the local broker
 * from deploy/kafka on free 127.0.0.1 ports. Call stop() when done.
 */
export async function startKafka(): Promise<KafkaHandle> {
  const fromEnv = brokersFromEnv(process.env.KAFKA_BROKERS);
  if (fromEnv) {
    console.info(`[kafka] using KAFKA_BROKERS=${fromEnv.join(',')}`);
    return { brokers: fromEnv, source: 'env', stop: async () => {} };
  }

  const docker = await findDockerEngine();
  if (docker) {
    console.info(`[kafka] Docker engine responded at ${docker}; starting Kafka with Testcontainers`);
    return startTestcontainersKafka();
  }

  console.info('[kafka] no Docker engine responded; starting the local broker from deploy/kafka');
  return startLocalKafka();
}

function brokersFromEnv(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') {
    return undefined;
  }

  const brokers = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const broker of brokers) {
    if (!/^[^:\s]+:\d+$/.test(broker)) {
      throw new Error(`KAFKA_BROKERS entry '${broker}' is not host:port; set KAFKA_BROKERS to a comma list such as 127.0.0.1:9092`);
    }
  }
  return brokers;
}

// --- Docker and Testcontainers ------------------------------------------------------------

type DockerEndpoint = { socketPath: string } | { host: string; port: number };

/** Returns the socket path or host:port of the first Docker endpoint whose GET /_ping returns 200, or undefined. */
async function findDockerEngine(): Promise<string | undefined> {
  for (const endpoint of dockerEndpointCandidates()) {
    if (await pingDocker(endpoint)) {
      return 'socketPath' in endpoint ? endpoint.socketPath : `${endpoint.host}:${endpoint.port}`;
    }
  }
  return undefined;
}

/** Lists DOCKER_HOST when set, else the usual rootful, rootless and Docker Desktop sockets that exist. */
function dockerEndpointCandidates(): DockerEndpoint[] {
  const dockerHost = process.env.DOCKER_HOST;
  if (dockerHost) {
    if (dockerHost.startsWith('unix://')) {
      return [{ socketPath: dockerHost.slice('unix://'.length) }];
    }

    if (dockerHost.startsWith('tcp://')) {
      const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
      return [{ host: url.hostname, port: Number(url.port || 2375) }];
    }

    console.warn(`[kafka] DOCKER_HOST='${dockerHost}' is neither unix:// nor tcp://; not probing it`);
    return [];
  }

  const sockets = ['/var/run/docker.sock', join(homedir(), '.docker', 'run', 'docker.sock')];
  if (process.env.XDG_RUNTIME_DIR) {
    sockets.push(join(process.env.XDG_RUNTIME_DIR, 'docker.sock'));
  }
  return sockets.filter((path) => existsSync(path)).map((socketPath) => ({ socketPath }));
}

function pingDocker(endpoint: DockerEndpoint): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ ...endpoint, path: '/_ping', method: 'GET', timeout: dockerPingTimeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function startTestcontainersKafka(): Promise<KafkaHandle> {
  // Loaded only here, so runs without Docker never load the Docker client.
  const { KafkaContainer } = await import('@testcontainers/kafka');

  const image = process.env.KAFKA_IMAGE ?? defaultKafkaImage;
  const container = await new KafkaContainer(image)
    .withKraft()
    .withEnvironment({
      // The same single-node settings as deploy/kafka/start.sh.
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
    })
    .start();

  // The container class exposes its client listener on container port 9093.
  const broker = `${container.getHost()}:${container.getMappedPort(9093)}`;
  console.info(`[kafka] Testcontainers broker ${image} up at ${broker}`);

  return {
    brokers: [broker],
    source: 'testcontainers',
    stop: async () => {
      await container.stop();
    },
  };
}

// --- Local broker from deploy/kafka --------------------------------------------------------

async function startLocalKafka(): Promise<KafkaHandle> {
  await runDeployScript('fetch.sh', []);

  const [port, controllerPort] = await findFreePorts(2);
  const portArgs = ['--port', String(port)];

  // A test process that dies without stop() would leave the JVM running; 'exit'
  // handlers must be synchronous, so this one blocks on stop.sh.
  const stopOnExit = (): void => {
    execFileSync('bash', [join(kafkaDeployDir, 'stop.sh'), ...portArgs], { stdio: 'ignore' });
  };
  process.once('exit', stopOnExit);

  let stdout: string;
  try {
    stdout = await runDeployScript('start.sh', [
      ...portArgs,
      '--controller-port', String(controllerPort),
      '--timeout', String(localStartTimeoutSeconds - 30),
    ]);
  } catch (error) {
    await runDeployScript('stop.sh', portArgs).catch(() => {});
    process.removeListener('exit', stopOnExit);
    throw error;
  }

  // start.sh prints the bootstrap address as its last stdout line.
  const broker = stdout.trim().split('\n').at(-1) ?? '';
  console.info(`[kafka] local broker up at ${broker}`);

  let stopped = false;
  return {
    brokers: [broker],
    source: 'local',
    stop: async () => {
      if (stopped) {
        return;
      }
      stopped = true;
      process.removeListener('exit', stopOnExit);
      await runDeployScript('stop.sh', portArgs);
    },
  };
}

/** Runs a deploy/kafka script and returns its stdout; the error carries its stderr. */
async function runDeployScript(script: string, args: string[]): Promise<string> {
  const path = join(kafkaDeployDir, script);
  try {
    const { stdout, stderr } = await execFileAsync('bash', [path, ...args], {
      timeout: localStartTimeoutSeconds * 1000,
      maxBuffer: 16 * 1024 * 1024,
    });
    if (stderr.trim() !== '') {
      console.info(stderr.trim());
    }
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`${script} ${args.join(' ')} failed: ${(error as Error).message}\n${stderr}`, { cause: error });
  }
}

/**
 * Returns distinct TCP ports that were free on 127.0.0.1 a moment ago. Another process
 * may still take one before the broker binds it; start.sh then fails with a clear message.
 */
async function findFreePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((server) => (server.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}
