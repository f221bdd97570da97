import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Clock } from '@gridhub/ingest';
import { CHINA_UTC_OFFSET_MINUTES } from '@gridhub/contracts';
import { WorkingCalendarService } from './working-calendar.service';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('api/v1/working-calendar')
export class WorkingCalendarController {
  constructor(
    private readonly working: WorkingCalendarService,
    private readonly clock: Clock,
  ) {}

  /**
   * The working calendar (工作时): the city's working hours, the public holidays and make-up workdays (调休)
   * between two dates (default: this year and the next), for the browser's countdowns (@gridhub/contracts'
   * working-time module takes it as input).
   */
  @Get()
  @ApiQuery({ name: 'from', required: false, description: 'YYYY-MM-DD' })
  @ApiQuery({ name: 'to', required: false, description: 'YYYY-MM-DD' })
  get(@Query('from') from?: string, @Query('to') to?: string) {
    const year = new Date(this.clock.now().getTime() + CHINA_UTC_OFFSET_MINUTES * 60_000).getUTCFullYear();
    const start = from ?? `${year - 1}-01-01`;
    const end = to ?? `${year + 1}-12-31`;
    if (!DATE.test(start) || !DATE.test(end) || Number.isNaN(Date.parse(start)) || Number.isNaN(Date.parse(end))) {
      throw new BadRequestException('from and to must be dates YYYY-MM-DD');
    }
    if (end < start) throw new BadRequestException('to must not be before from');
    return { ...this.working.data(start, end), years: [...this.working.years].sort() };
  }
}
