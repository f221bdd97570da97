import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { DeadLetterRepository } from './dead-letter.repository';

export class DeadLettersQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  deviceId?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

@ApiTags('dead-letters')
@ApiBearerAuth()
@Controller('api/v1/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetterRepository) {}

  @Get()
  async list(@Query() query: DeadLettersQuery) {
    const items = (await this.deadLetters.list(query.deviceId, query.limit ?? 100)).map((d) => ({
      ...d,
      receivedAt: d.receivedAt.toISOString(),
    }));
    return { items, total: items.length };
  }
}
