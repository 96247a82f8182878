import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  Header,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@tutoring/shared/auth';
import { statementCsv } from '../statements/statement-csv';
import { StatementsService } from '../statements/statements.service';
import { DisputeDto, ResolveDisputeDto, StatementsQueryDto } from './dto';
import { actorOf, http } from './http-errors';

@ApiTags('statements')
@ApiBearerAuth()
@Controller()
export class StatementsController {
  constructor(@Inject(StatementsService) private readonly statements: StatementsService) {}

  @Get('statements')
  @Roles('finance', 'district_admin', 'vendor')
  list(@Query() q: StatementsQueryDto, @CurrentPrincipal() p: Principal) {
    return http(() => this.statements.list(actorOf(p), q.contractId ?? null, q.limit ?? 50, q.offset ?? 0));
  }

  /** The statement with every line, its evidence, the exception list and the eligibility notes. */
  @Get('statements/:statementId')
  @Roles('finance', 'district_admin', 'vendor')
  get(@Param('statementId', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal) {
    return http(() => this.statements.get(actorOf(p), id));
  }

  @Get('statements/:statementId/csv')
  @Roles('finance', 'district_admin', 'vendor')
  @ApiProduces('text/csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  async csv(@Param('statementId', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal): Promise<string> {
    const stored = await http(() => this.statements.getForExport(actorOf(p), id));
    return statementCsv(stored.statement);
  }

  /** Recomputes the statement at its own ledger position and says whether it is identical byte for byte. */
  @Get('statements/:statementId/recomputation')
  @Roles('finance', 'district_admin')
  async recompute(@Param('statementId', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal) {
    const r = await http(() => this.statements.recompute(actorOf(p), id));
    return { identical: r.identical, ledgerPosition: r.stored.ledgerPosition, totalCents: r.recomputed.totalCents };
  }

  /** Four-eyes: a finance user other than the issuer approves; the statement is then published to finance. */
  @Post('statements/:statementId/approval')
  @HttpCode(200)
  @Roles('finance')
  approve(@Param('statementId', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal) {
    return http(() => this.statements.approve(actorOf(p), id));
  }

  @Post('statements/:statementId/disputes')
  @HttpCode(201)
  @Roles('vendor')
  dispute(@Param('statementId', ParseUUIDPipe) id: string, @Body() body: DisputeDto, @CurrentPrincipal() p: Principal) {
    const a = actorOf(p);
    if (a.vendorScope === null) throw new ForbiddenException('only the vendor disputes its statement lines');
    const vendorScope = a.vendorScope;
    return http(() => this.statements.dispute({ ...a, vendorScope }, id, body.lineIndex, body.reason));
  }

  @Get('statements/:statementId/disputes')
  @Roles('finance', 'district_admin', 'vendor')
  disputes(@Param('statementId', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal) {
    return http(() => this.statements.disputes(actorOf(p), id));
  }

  /** A resolution is a new version of the dispute; upheld money is an adjustment line in the next base statement. */
  @Post('disputes/:disputeId/resolution')
  @HttpCode(201)
  @Roles('finance')
  resolve(
    @Param('disputeId', ParseUUIDPipe) id: string,
    @Body() body: ResolveDisputeDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return http(() => this.statements.resolve(actorOf(p), id, body));
  }
}
