import { PageQuery } from '../common/paging.dto';
import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNumber, IsObject, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { SENSOR_FAMILIES, SensorFamily } from '@gridhub/contracts';

export const COORDINATE_SYSTEMS = ['WGS84', 'GCJ02'] as const;
export type CoordinateSystem = (typeof COORDINATE_SYSTEMS)[number];

export class CreateDeviceDto {
  @ApiPropertyOptional({ description: 'Device id (MQTT user name); generated when omitted', example: 'air-101' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'id may hold 1–64 letters, digits, _, . and -' })
  id?: string;

  @ApiProperty({ enum: SENSOR_FAMILIES })
  @IsIn(SENSOR_FAMILIES, { message: `family must be one of ${SENSOR_FAMILIES.join(', ')}` })
  family!: SensorFamily;

  @ApiProperty({ example: '空气微站 101' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ example: 112.5524 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  lon!: number;

  @ApiProperty({ example: 37.8547 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  lat!: number;

  @ApiPropertyOptional({ enum: COORDINATE_SYSTEMS, default: 'WGS84', description: 'GCJ-02 positions are converted to WGS-84' })
  @IsOptional()
  @IsIn(COORDINATE_SYSTEMS)
  coordinateSystem?: CoordinateSystem;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Family attributes (docs/domain/sensors.md), e.g. interval_s, target_class' })
  @IsOptional()
  @IsObject()
  attributes?: Record<string, unknown>;
}

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Where: a family, a grid area (any level) and/or a bounding box — shared by the device, latest and series queries. */
export class AreaQuery {
  @ApiPropertyOptional({ enum: SENSOR_FAMILIES })
  @IsOptional()
  @IsIn(SENSOR_FAMILIES, { message: `family must be one of ${SENSOR_FAMILIES.join(', ')}` })
  family?: SensorFamily;

  @ApiPropertyOptional({ description: 'grid code: a unit grid, or a community/street/district for everything inside' })
  @IsOptional()
  @Matches(/^\d{6}(\d{3}){0,3}$/, { message: 'gridCode must be a 6, 9, 12 or 15-digit grid code' })
  gridCode?: string;

  @ApiPropertyOptional({ description: 'minLon,minLat,maxLon,maxLat (WGS-84)', example: '112.54,37.84,112.56,37.86' })
  @IsOptional()
  @Matches(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$/, { message: 'bbox must be minLon,minLat,maxLon,maxLat' })
  bbox?: string;
}

export class ListDevicesQuery extends IntersectionType(AreaQuery, PageQuery(10000, 1000)) {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;

}
