import { OnWire } from '@gridhub/contracts';
import { ApiOk, isoTime, listOf, Same, z } from '../common/api-schema';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { DeadLetter, DeadLetterRepository } from './dead-letter.repository';

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

/** A message the hub refused, with why (the rest of its batch landed). */
export const deadLetterSchema = z.object({
  id: z.string(),
  receivedAt: isoTime,
  deviceId: z.string().nullable(),
  topic: z.string(),
  reason: z.string(),
  payload: z.string(),
  payloadEncoding: z.enum(['utf8', 'base64']),
});
const deadLetterListSchema = listOf(deadLetterSchema);
const _deadLetter: Same<z.infer<typeof deadLetterSchema>, OnWire<DeadLetter>> = true;
void _deadLetter;

@ApiTags('dead-letters')
@ApiBearerAuth()
@Controller('api/v1/dead-letters')
export class DeadLetterController {
  constructor(private readonly deadLetters: DeadLetterRepository) {}

  @Get()
  @ApiOk(deadLetterListSchema)
  async list(@Query() query: DeadLettersQuery): Promise<z.infer<typeof deadLetterListSchema>> {
    const items = (await this.deadLetters.list(query.deviceId, query.limit ?? 100)).map((d) => ({
      ...d,
      receivedAt: d.receivedAt.toISOString(),
    }));
    return { items, total: items.length };
  }
}
