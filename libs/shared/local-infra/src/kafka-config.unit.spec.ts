import { buildLog4j2Config, buildServerProperties, parseControllerPort, scramFormatArgs } from './kafka-config';
import { newClusterId } from './kafka-broker';

const props = (text: string): Map<string, string> =>
  new Map(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]),
  );

describe('buildServerProperties', () => {
  const plain = props(buildServerProperties({ port: 19092, controllerPort: 19093, logDirs: '/data/logs' }));

  it('configures a combined KRaft broker+controller on loopback', () => {
    expect(plain.get('process.roles')).toBe('broker,controller');
    expect(plain.get('controller.quorum.bootstrap.servers')).toBe('127.0.0.1:19093');
    expect(plain.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(plain.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092');
    expect(plain.get('log.dirs')).toBe('/data/logs');
  });

  it('uses replication factor 1 for every internal topic and never auto-creates topics', () => {
    for (const key of [
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'share.coordinator.state.topic.replication.factor',
    ]) {
      expect(plain.get(key)).toBe('1');
    }
    expect(plain.get('auto.create.topics.enable')).toBe('false');
    expect(plain.get('group.initial.rebalance.delay.ms')).toBe('0');
    expect(plain.has('authorizer.class.name')).toBe(false);
  });

  it('with SASL: SCRAM on the client listener, plaintext controller, StandardAuthorizer, admin as super user', () => {
    const sasl = props(
      buildServerProperties({ port: 1, controllerPort: 2, logDirs: '/d', sasl: { adminUser: 'admin', adminPassword: 's3cret' } }),
    );
    expect(sasl.get('listeners')).toBe('SASL_PLAINTEXT://127.0.0.1:1,CONTROLLER://127.0.0.1:2');
    expect(sasl.get('listener.security.protocol.map')).toBe('CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT');
    expect(sasl.get('sasl.enabled.mechanisms')).toBe('SCRAM-SHA-256,SCRAM-SHA-512');
    expect(sasl.get('authorizer.class.name')).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(sasl.get('super.users')).toContain('User:admin');
    expect(sasl.get('listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config')).toContain('password="s3cret"');
  });

  it('refuses credentials that would break the JAAS line or the StorageTool syntax', () => {
    expect(() =>
      buildServerProperties({ port: 1, controllerPort: 2, logDirs: '/d', sasl: { adminUser: 'admin', adminPassword: 'a"b' } }),
    ).toThrow(/adminPassword/);
    expect(() => scramFormatArgs({ adminUser: 'ad,min', adminPassword: 'x' })).toThrow(/adminUser/);
  });
});

describe('storage format and logging', () => {
  it('adds SCRAM credentials for both mechanisms', () => {
    expect(scramFormatArgs({ adminUser: 'admin', adminPassword: 'pw' })).toEqual([
      '--add-scram',
      'SCRAM-SHA-256=[name=admin,password=pw]',
      '--add-scram',
      'SCRAM-SHA-512=[name=admin,password=pw]',
    ]);
  });

  it('sends broker logs to a file appender only', () => {
    const xml = buildLog4j2Config('/tmp/k/broker.log');
    expect(xml).toContain('fileName="/tmp/k/broker.log"');
    expect(xml).not.toContain('<Console');
  });

  it('reads back the controller port a data dir was formatted with', () => {
    const text = buildServerProperties({ port: 5, controllerPort: 40123, logDirs: '/d' });
    expect(parseControllerPort(text)).toBe(40123);
    expect(parseControllerPort('node.id=1\n')).toBeUndefined();
  });

  it('makes 22-character base64url cluster ids that never look like a CLI flag', () => {
    for (let i = 0; i < 200; i++) {
      const id = newClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });
});
