import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsDate, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { SENSOR_FAMILIES, SensorFamily } from '@gridhub/contracts';
import { ACCESS_CLASSES, AccessClass, REQUEST_STATUSES, RequestStatus } from './catalogue.types';

const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class CatalogueQuery {
  @ApiPropertyOptional({ enum: SENSOR_FAMILIES })
  @IsOptional()
  @IsIn(SENSOR_FAMILIES as unknown as string[], { message: `family must be one of ${SENSOR_FAMILIES.join(', ')}` })
  family?: SensorFamily;

  @ApiPropertyOptional({ description: 'owner department code' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,32}$/, { message: 'owner must be a department code' })
  owner?: string;

  @ApiPropertyOptional({ enum: ACCESS_CLASSES })
  @IsOptional()
  @IsIn(ACCESS_CLASSES as unknown as string[], { message: `accessClass must be one of ${ACCESS_CLASSES.join(', ')}` })
  accessClass?: AccessClass;

  @ApiPropertyOptional({ description: 'grid code (any level): resources inside it' })
  @IsOptional()
  @Matches(/^\d{6,15}$/, { message: 'gridCode must be a grid code (6 to 15 digits)' })
  gridCode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(bool)
  @IsBoolean({ message: 'online must be true or false' })
  online?: boolean;

  @ApiPropertyOptional({ description: 'only the resources you may use now' })
  @IsOptional()
  @Transform(bool)
  @IsBoolean({ message: 'accessible must be true or false' })
  accessible?: boolean;

  @ApiPropertyOptional({ description: 'text in the name or id' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  q?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'format must be json or csv' })
  format?: 'json' | 'csv';
}

export class UpdateCatalogueEntryDto {
  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(/^[A-Za-z0-9_.-]{1,32}$/, { message: 'ownerDepartment must be a department code or null' })
  ownerDepartment?: string | null;

  @ApiPropertyOptional({ enum: ACCESS_CLASSES })
  @IsOptional()
  @IsIn(ACCESS_CLASSES as unknown as string[], { message: `accessClass must be one of ${ACCESS_CLASSES.join(', ')}` })
  accessClass?: AccessClass;

  @ApiPropertyOptional({ nullable: true, example: 'rtsp://media.example/rtp/34020000001320000001' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(/^rtsps?:\/\/\S{1,500}$/, { message: 'rtspUrl must be an rtsp:// or rtsps:// address or null' })
  rtspUrl?: string | null;

  @ApiPropertyOptional({ nullable: true, example: 'https://media.example/rtp/34020000001320000001/hls.m3u8' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(/^(https?:\/\/|\/)\S{1,500}$/, { message: 'hlsUrl must be an http(s):// address or a path on this host, or null' })
  hlsUrl?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'GB/T 28181-2016 channel id, 20 digits' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(/^\d{20}$/, { message: 'gb28181Channel must be a GB/T 28181 id of 20 digits or null' })
  gb28181Channel?: string | null;
}

export class AccessRequestDto {
  @ApiProperty({ example: 'cam-001' })
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'deviceId must be a device id' })
  deviceId!: string;

  @ApiProperty({ example: '防汛值守需要查看汾河沿岸视频' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

export class DecisionDto {
  @ApiProperty({ enum: ['approve', 'reject', 'revoke'] })
  @IsIn(['approve', 'reject', 'revoke'], { message: 'decision must be approve, reject or revoke' })
  decision!: 'approve' | 'reject' | 'revoke';

  @ApiPropertyOptional({ description: 'approvals: when the access ends (ISO 8601, at most 366 days ahead)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'expiresAt must be an ISO 8601 time' })
  expiresAt?: Date;
}

export class RequestsQuery {
  @ApiPropertyOptional({ enum: REQUEST_STATUSES })
  @IsOptional()
  @IsIn(REQUEST_STATUSES as unknown as string[], { message: `status must be one of ${REQUEST_STATUSES.join(', ')}` })
  status?: RequestStatus;
}
