import { Body, Controller, Get, NotFoundException, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ApiOk, listOf, Roles, Same, z } from '@gridhub/ingest';
import { DepartmentRepository } from './department.repository';
import { Department } from './department.types';

const CODE = /^[A-Za-z0-9_.-]{1,32}$/;

/** A specialist department (专业部门) with the categories it handles and its contact. */
export const departmentSchema = z.object({
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  categories: z.array(z.string()),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
});
const _department: Same<z.infer<typeof departmentSchema>, Department> = true;
void _department;

export class DepartmentCodeParam {
  @Matches(CODE, { message: 'code must be 1–32 letters, digits, "_", "." or "-"' })
  code!: string;
}

export class ListDepartmentsQuery {
  @ApiPropertyOptional({ description: 'only departments that handle this incident category' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  category?: string;
}

export class DepartmentBody {
  @ApiProperty({ example: '市容环卫处' })
  @IsString()
  @Length(1, 100)
  nameZh!: string;

  @ApiProperty({ example: 'City appearance and sanitation' })
  @IsString()
  @Length(1, 100)
  nameEn!: string;

  @ApiProperty({ type: [String], example: ['exposed_garbage'] })
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  categories!: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  contactName?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[0-9+\-() ]{3,32}$/, { message: 'contactPhone must be a phone number' })
  contactPhone?: string;
}

@ApiTags('departments')
@ApiBearerAuth()
@Controller('api/v1/departments')
export class DepartmentController {
  constructor(private readonly departments: DepartmentRepository) {}

  /** Specialist departments (专业部门) with the incident categories they handle and their contact. */
  @Get()
  @ApiOk(listOf(departmentSchema))
  async list(@Query() query: ListDepartmentsQuery) {
    const items = await this.departments.list(query.category);
    return { items, total: items.length };
  }

  @Get(':code')
  @ApiOk(departmentSchema)
  async find(@Param() params: DepartmentCodeParam) {
    const department = await this.departments.find(params.code);
    if (!department) throw new NotFoundException(`department ${params.code} does not exist`);
    return department;
  }

  /** Creates or replaces a department (admin). */
  @Put(':code')
  @Roles('admin')
  @ApiOk(departmentSchema.extend({ created: z.boolean() }))
  async put(@Param() params: DepartmentCodeParam, @Body() body: DepartmentBody) {
    const created = await this.departments.upsert({
      code: params.code,
      nameZh: body.nameZh,
      nameEn: body.nameEn,
      categories: [...new Set(body.categories)],
      contactName: body.contactName ?? null,
      contactPhone: body.contactPhone ?? null,
    });
    return { ...(await this.departments.find(params.code))!, created };
  }
}
