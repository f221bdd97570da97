import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Device } from './device.types';
import { DeviceService } from './device.service';
import { ListDevicesQuery } from './devices.dto';

function present(device: Device) {
  return {
    id: device.id,
    family: device.family,
    name: device.name,
    lon: device.lon,
    lat: device.lat,
    gridCode: device.gridCode,
    attributes: device.attributes,
    enabled: device.enabled,
    lastSeenAt: device.lastSeenAt?.toISOString() ?? null,
  };
}

@ApiTags('devices')
@ApiBearerAuth()
@Controller('api/v1/devices')
export class DevicesController {
  constructor(private readonly devices: DeviceService) {}

  @Get()
  async list(@Query() query: ListDevicesQuery) {
    const items = (await this.devices.list(query)).map(present);
    return { items, total: items.length };
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    const device = await this.devices.find(id);
    if (!device) throw new NotFoundException(`device ${id} not found`);
    return present(device);
  }
}
