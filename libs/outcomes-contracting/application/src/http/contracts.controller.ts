import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@tutoring/shared/auth';
import { ContractsService } from '../contracts/contracts.service';
import { StatementsService } from '../statements/statements.service';
import { OffsetPageQueryDto } from '@tutoring/shared/service-kit';
import { CreateContractDto, IssueStatementDto, ReviseContractDto, WhatIfDto } from './dto';
import { actorOf, checkRateCard, http } from './http-errors';
import { UnprocessableEntityException } from '@nestjs/common';

const statementRequest = (body: IssueStatementDto) => {
  if (body.kind === 'base' && body.month && !body.window) return { kind: 'base' as const, month: body.month };
  if (body.kind === 'settlement' && body.window && !body.month)
    return { kind: 'settlement' as const, window: body.window };
  throw new UnprocessableEntityException({
    code: 'request',
    message: 'base needs month (YYYY-MM) only; settlement needs window (MOY|EOY) only',
  });
};

@ApiTags('contracts')
@ApiBearerAuth()
@Controller()
export class ContractsController {
  constructor(
    @Inject(ContractsService) private readonly contracts: ContractsService,
    @Inject(StatementsService) private readonly statements: StatementsService,
  ) {}

  /** Creates a contract with its rate card as version 1, effective from the contract's start date. */
  @Post('contracts')
  @HttpCode(201)
  @Roles('finance', 'district_admin')
  create(@Body() body: CreateContractDto, @CurrentPrincipal() p: Principal) {
    const rateCard = checkRateCard(body.rateCard);
    return http(() =>
      this.contracts.create({ ...body, rateCard, districtId: p.districtId, by: p.sub, roles: p.roles }),
    );
  }

  @Get('contracts')
  @Roles('finance', 'district_admin', 'vendor')
  list(@Query() q: OffsetPageQueryDto, @CurrentPrincipal() p: Principal) {
    const a = actorOf(p);
    return http(() => this.contracts.list(a.districtId, a.vendorScope, q.limit ?? 50, q.offset ?? 0));
  }

  @Get('contracts/:contractId')
  @Roles('finance', 'district_admin', 'vendor')
  get(@Param('contractId', ParseUUIDPipe) id: string, @CurrentPrincipal() p: Principal) {
    const a = actorOf(p);
    return http(() => this.contracts.get(a.districtId, id, a.vendorScope));
  }

  /** A contract change: a new version effective from a date after every issued statement's period. */
  @Post('contracts/:contractId/versions')
  @HttpCode(201)
  @Roles('finance', 'district_admin')
  revise(
    @Param('contractId', ParseUUIDPipe) id: string,
    @Body() body: ReviseContractDto,
    @CurrentPrincipal() p: Principal,
  ) {
    const rateCard = checkRateCard(body.rateCard);
    return http(() =>
      this.contracts.revise(p.districtId, id, {
        effectiveFrom: body.effectiveFrom,
        rateCard,
        by: p.sub,
        roles: p.roles,
      }),
    );
  }

  /** Computes and issues a statement (base: a month; settlement: MOY or EOY) at the ledger position reached. */
  @Post('contracts/:contractId/statements')
  @HttpCode(201)
  @Roles('finance')
  issue(
    @Param('contractId', ParseUUIDPipe) id: string,
    @Body() body: IssueStatementDto,
    @CurrentPrincipal() p: Principal,
  ) {
    const request = statementRequest(body);
    return http(() => this.statements.issue(actorOf(p), id, request));
  }

  /** What a draft rate card would pay a vendor on the current ledger and assessments. Nothing is stored. */
  @Post('what-if')
  @HttpCode(200)
  @Roles('finance', 'district_admin')
  whatIf(@Body() body: WhatIfDto, @CurrentPrincipal() p: Principal) {
    const rateCard = checkRateCard(body.rateCard);
    const request = statementRequest(body);
    return http(() =>
      this.statements.whatIf(
        actorOf(p),
        { vendorId: body.vendorId, startDate: body.startDate, endDate: body.endDate, rateCard },
        request,
      ),
    );
  }
}
