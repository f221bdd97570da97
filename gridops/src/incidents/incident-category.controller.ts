import { Body, Controller, Get, NotFoundException, Param, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiOk, Roles } from '@gridhub/ingest';
import { incidentCategoryListSchema, incidentCategorySchema } from './incident-category.schema';
import { IncidentCategory } from './incident-categories';
import { IncidentCategoryService } from './incident-category.service';
import { UpdateCategoryDto } from './incident.dto';

const present = (c: IncidentCategory) => ({ ...c });

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('api/v1/incident-categories')
export class IncidentCategoryController {
  constructor(private readonly categories: IncidentCategoryService) {}

  /** The taxonomy: major (大类) and minor (小类) classes, default priority, department, time limits per step. */
  @Get()
  @ApiOk(incidentCategoryListSchema)
  async list() {
    const items = (await this.categories.list()).map(present);
    return { items, total: items.length };
  }

  /** A city's own time limits for a class (minutes; fractions allowed). */
  @Patch(':code')
  @Roles('admin')
  @ApiOk(incidentCategorySchema)
  async update(@Param('code') code: string, @Body() body: UpdateCategoryDto) {
    const { enabled, basis, aroundTheClock, ...limits } = body;
    const updated = await this.categories.updateLimits(code, limits, enabled, { basis, aroundTheClock });
    if (!updated) throw new NotFoundException(`incident category ${code} not found`);
    return present(updated);
  }
}
