import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiOk, Clock, z } from '@gridhub/ingest';
import { CHINA_UTC_OFFSET_MINUTES, WorkingCalendarData } from '@gridhub/contracts';
import { WorkingCalendarService } from './working-calendar.service';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The working calendar as the browser's countdowns take it (WorkingCalendarData), with the holidays' names. */
export const workingCalendarSchema = z.object({
  workingHours: z.string(),
  utcOffsetMinutes: z.number().int(),
  holidays: z.array(z.string()),
  workdays: z.array(z.string()),
  from: z.string(),
  to: z.string(),
  names: z.record(z.string(), z.string()),
  years: z.array(z.string()),
});

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
  @ApiOk(workingCalendarSchema)
  get(@Query('from') from?: string, @Query('to') to?: string): z.infer<typeof workingCalendarSchema> & WorkingCalendarData {
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
