import { Controller, Get, Logger } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { Public } from '@tutoring/shared/auth';
import { ReadinessRegistry, withTimeout } from './readiness';

const CHECK_TIMEOUT_MS = 3_000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly registry: ReadinessRegistry,
  ) {}

  /** Liveness: answering at all proves the event loop runs. Never checks dependencies. */
  @Get('live')
  @Public()
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Readiness: 503 naming each failing check; the cause goes to the log, not to the caller. */
  @Get('ready')
  @Public()
  @HealthCheck()
  ready() {
    return this.health.check(
      this.registry.list().map(({ name, check }) => async (): Promise<HealthIndicatorResult> => {
        const session = this.indicators.check(name);
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS, name);
          return session.up();
        } catch (error) {
          this.logger.warn({ check: name, err: error }, 'readiness check failed');
          return session.down({ message: 'check failed' });
        }
      }),
    );
  }
}
