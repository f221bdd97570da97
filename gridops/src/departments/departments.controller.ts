import { Body, Controller, Get, NotFoundException, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, Matches } from 'class-validator';
import { Roles } from '@gridhub/ingest';
import { DepartmentRepository } from './department.repository';

const CODE = /^[A-Za-z0-9_.-]{1,32}$/;

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
export class DepartmentsController {
  constructor(private readonly departments: DepartmentRepository) {}

  /** Specialist departments (专业部门) with the incident categories they handle and their contact. */
  @Get()
  async list(@Query() query: ListDepartmentsQuery) {
    const items = await this.departments.list(query.category);
    return { items, total: items.length };
  }

  @Get(':code')
  async find(@Param() params: DepartmentCodeParam) {
    const department = await this.departments.find(params.code);
    if (!department) throw new NotFoundException(`department ${params.code} does not exist`);
    return department;
  }

  /** Creates or replaces a department (admin). */
  @Put(':code')
  @Roles('admin')
  async put(@Param() params: DepartmentCodeParam, @Body() body: DepartmentBody) {
    const created = await this.departments.upsert({
      code: params.code,
      nameZh: body.nameZh,
      nameEn: body.nameEn,
      categories: [...new Set(body.categories)],
      contactName: body.contactName ?? null,
      contactPhone: body.contactPhone ?? null,
    });
    return { ...(await this.departments.find(params.code)), created };
  }
}
