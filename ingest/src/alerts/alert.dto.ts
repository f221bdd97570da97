import { PageQuery } from '../common/paging.dto';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { SENSOR_FAMILIES, SensorFamily } from '@gridhub/contracts';
import { Bureau, BUREAUS, WARNING_COLOURS, WarningColour } from '@gridhub/contracts';
import { ALERT_KINDS, ALERT_STATUSES, AlertKind, AlertStatus } from '@gridhub/contracts';

const STATUS_FILTERS = [...ALERT_STATUSES, 'active'] as const;

export class ListAlertsQuery extends PageQuery(1000) {
  @ApiPropertyOptional({ enum: STATUS_FILTERS, description: 'active = raised or acknowledged' })
  @IsOptional()
  @IsIn(STATUS_FILTERS, { message: `status must be one of ${STATUS_FILTERS.join(', ')}` })
  status?: AlertStatus | 'active';

  @ApiPropertyOptional({ enum: WARNING_COLOURS })
  @IsOptional()
  @IsIn(WARNING_COLOURS, { message: `severity must be one of ${WARNING_COLOURS.join(', ')}` })
  severity?: WarningColour;

  @ApiPropertyOptional({ enum: SENSOR_FAMILIES })
  @IsOptional()
  @IsIn(SENSOR_FAMILIES, { message: `family must be one of ${SENSOR_FAMILIES.join(', ')}` })
  family?: SensorFamily;

  @ApiPropertyOptional({ enum: BUREAUS })
  @IsOptional()
  @IsIn(BUREAUS, { message: `bureau must be one of ${BUREAUS.join(', ')}` })
  bureau?: Bureau;

  @ApiPropertyOptional({ enum: ALERT_KINDS })
  @IsOptional()
  @IsIn(ALERT_KINDS, { message: `kind must be one of ${ALERT_KINDS.join(', ')}` })
  kind?: AlertKind;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'deviceId must be a device id' })
  deviceId?: string;

  @ApiPropertyOptional({ description: 'a grid code: alerts of devices in that grid or below it' })
  @IsOptional()
  @Matches(/^\d{6}(\d{3}){0,3}$/, { message: 'gridCode must be a 6, 9, 12 or 15-digit grid code' })
  gridCode?: string;

}
