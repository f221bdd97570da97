import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { SENSOR_FAMILIES, SensorFamily } from '../contracts/families';

export class ListDevicesQuery {
  @ApiPropertyOptional({ enum: SENSOR_FAMILIES })
  @IsOptional()
  @IsIn(SENSOR_FAMILIES)
  family?: SensorFamily;

  @ApiPropertyOptional({ description: '15-digit unit grid code' })
  @IsOptional()
  @Matches(/^\d{15}$/, { message: 'gridCode must be a 15-digit unit grid code' })
  gridCode?: string;
}
