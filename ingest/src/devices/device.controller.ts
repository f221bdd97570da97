import { CurrentUser } from '../common/current-user';
import { assertWithinScope, scopeOf, ScopedActor } from '../common/grid-scope';
import { BadRequestException, Body, ConflictException, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/roles';
import { Device } from './device.types';
import { DuplicateDeviceError } from './device.repository';
import { DeviceService, InvalidDeviceError } from './device.service';
import { ApiCreated, ApiOk } from '../common/api-schema';
import { deviceListSchema, DeviceResponse, deviceSchema, registeredDeviceSchema, rotatedSecretSchema } from './device.schema';
import { CreateDeviceDto, ListDevicesQuery } from './device.dto';

export function presentDevice(device: Device): DeviceResponse {
  return {
    id: device.id,
    family: device.family,
    name: device.name,
    lon: device.lon,
    lat: device.lat,
    gridCode: device.gridCode,
    attributes: device.attributes,
    enabled: device.enabled,
    online: device.online,
    lastSeenAt: device.lastSeenAt?.toISOString() ?? null,
  };
}

export function parseBbox(bbox: string | undefined): [number, number, number, number] | undefined {
  if (!bbox) return undefined;
  const [minLon, minLat, maxLon, maxLat] = bbox.split(',').map(Number) as [number, number, number, number];
  if (minLon > maxLon || minLat > maxLat) throw new BadRequestException('bbox must be minLon,minLat,maxLon,maxLat with min ≤ max');
  return [minLon, minLat, maxLon, maxLat];
}

@ApiTags('devices')
@ApiBearerAuth()
@Controller('api/v1/devices')
export class DeviceController {
  constructor(private readonly devices: DeviceService) {}

  /** Registers a device; the response holds its secret, shown this once. */
  @Post()
  @Roles('admin')
  @ApiCreated(registeredDeviceSchema)
  async create(@Body() body: CreateDeviceDto) {
    try {
      const { device, secret } = await this.devices.register(body);
      return { device: presentDevice(device), secret };
    } catch (error) {
      if (error instanceof InvalidDeviceError) throw new BadRequestException(error.message);
      if (error instanceof DuplicateDeviceError) throw new ConflictException(error.message);
      throw error;
    }
  }

  @Get()
  @ApiOk(deviceListSchema)
  async list(@Query() query: ListDevicesQuery, @CurrentUser() user: ScopedActor | undefined) {
    const bbox = parseBbox(query.bbox);
    const { items, total } = await this.devices.list({
      scope: scopeOf(user),
      limit: query.limit ?? 1000,
      offset: query.offset ?? 0,
      ...(query.family ? { family: query.family } : {}),
      ...(query.gridCode ? { gridCode: query.gridCode } : {}),
      ...(bbox ? { bbox } : {}),
      ...(query.enabled !== undefined ? { enabled: query.enabled } : {}),
    });
    return { items: items.map(presentDevice), total };
  }

  @Get(':id')
  @ApiOk(deviceSchema)
  async get(@Param('id') id: string, @CurrentUser() user: ScopedActor | undefined) {
    const device = await this.devices.find(id);
    if (!device) throw new NotFoundException(`device ${id} not found`);
    assertWithinScope(device.gridCode, user, `device ${id}`);
    return presentDevice(device);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @Roles('admin')
  @ApiOk(deviceSchema)
  disable(@Param('id') id: string) {
    return this.setEnabled(id, false);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @Roles('admin')
  @ApiOk(deviceSchema)
  enable(@Param('id') id: string) {
    return this.setEnabled(id, true);
  }

  /** A new secret, shown this once; the old one and any live session using it stop at once. */
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Roles('admin')
  @ApiOk(rotatedSecretSchema)
  async rotate(@Param('id') id: string) {
    const secret = await this.devices.rotateSecret(id);
    if (!secret) throw new NotFoundException(`device ${id} not found`);
    return { id, secret };
  }

  private async setEnabled(id: string, enabled: boolean) {
    const device = await this.devices.setEnabled(id, enabled);
    if (!device) throw new NotFoundException(`device ${id} not found`);
    return presentDevice(device);
  }
}
