/**
 * The baseline users would otherwise write: a NestJS microservice on the Kafka transport with one @EventPattern
 * handler that saves every message through a TypeORM repository, one message (and one transaction) at a time.
 * Honestly naive, no tuning: no batching, no idempotency beyond a unique event id.
 */
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, KafkaContext, MicroserviceOptions, Payload, Transport } from '@nestjs/microservices';
import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'naive_sessions' })
export class NaiveSession {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'text', unique: true })
  eventId!: string;

  @Column({ type: 'text' })
  sessionId!: string;

  @Column({ type: 'jsonb' })
  data!: unknown;
}

let saved = 0;
export const naiveSaved = (): number => saved;

export async function startNaiveConsumer(opts: {
  brokers: string;
  topic: string;
  databaseUrl: string;
}): Promise<() => Promise<void>> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: opts.databaseUrl,
    entities: [NaiveSession],
    synchronize: true,
  });
  await dataSource.initialize();
  const repo = dataSource.getRepository(NaiveSession);

  @Controller()
  class SessionsController {
    @EventPattern(opts.topic)
    async onSession(@Payload() data: { sessionId: string }, @Ctx() ctx: KafkaContext): Promise<void> {
      const eventId = String(ctx.getMessage().headers?.['ce_id'] ?? '');
      await repo.save(repo.create({ eventId, sessionId: data.sessionId, data }));
      saved++;
    }
  }

  @Module({ controllers: [SessionsController] })
  class NaiveModule {}

  const app = await NestFactory.createMicroservice<MicroserviceOptions>(NaiveModule, {
    transport: Transport.KAFKA,
    options: {
      client: { brokers: [opts.brokers], clientId: 'naive-bench' },
      consumer: { groupId: `naive-bench-${Date.now()}` },
      subscribe: { fromBeginning: true },
    },
    logger: false,
  });
  await app.listen();
  return async () => {
    await app.close();
    await dataSource.destroy();
  };
}
