import { ArgumentsHost, Body, Catch, Controller, ExceptionFilter, Get, HttpException, Logger, Param, Post, Query, Req, Res, SetMetadata, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Open311Service } from './open311.service';
import { Rendered, renderCreated, renderDefinition, renderErrors, renderRequests, renderServices } from './open311.format';
import { Open311Exception, Open311Format } from './open311.types';

/** The hub's auth guard lets routes carrying this metadata through without a token (hub/src/auth/public.decorator.ts). */
const PUBLIC = SetMetadata('gridhub:public', true);

/** `requests.json` → format json, stem `requests`; anything but .json/.xml is refused. */
function split(file: string): { stem: string; format: Open311Format } {
  const dot = file.lastIndexOf('.');
  const ext = dot >= 0 ? file.slice(dot + 1).toLowerCase() : '';
  if (ext !== 'json' && ext !== 'xml') throw Open311Exception.of(404, `${file}: add .json or .xml to the resource (GeoReport v2)`);
  return { stem: file.slice(0, dot), format: ext };
}

function formatOf(request: Request): Open311Format {
  return /\.json$/i.test(request.path) ? 'json' : 'xml';
}

function send(res: Response, status: number, rendered: Rendered): void {
  res.status(status).type(rendered.contentType).send(rendered.body);
}

/** Every failure on these routes is answered in GeoReport's error format, in the format the path asked for. */
@Catch()
export class Open311ExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Open311');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    let status = 500;
    let errors = [{ code: 500, description: 'internal error' }];
    if (exception instanceof Open311Exception) {
      status = exception.status;
      errors = exception.errors;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      errors = [{ code: status, description: Array.isArray(message) ? message.join('; ') : String(message ?? exception.message) }];
    } else {
      this.logger.error(`${req.method} ${req.path} failed: ${exception instanceof Error ? exception.stack : String(exception)}`);
    }
    send(res, status, renderErrors(formatOf(req), errors));
  }
}

/**
 * Open311 GeoReport v2 at /open311/v2 (http://wiki.open311.org/GeoReport_v2): public, no token; an api_key is
 * accepted and recorded but not required. XML and JSON by the extension of the resource.
 */
@ApiExcludeController()
@PUBLIC
@UseFilters(Open311ExceptionFilter)
@Controller('open311/v2')
export class Open311Controller {
  constructor(private readonly open311: Open311Service) {}

  @Get(['services.json', 'services.xml'])
  async services(@Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, 200, renderServices(formatOf(req), await this.open311.services()));
  }

  @Get('services/:file')
  async definition(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const { stem, format } = split(file);
    send(res, 200, renderDefinition(format, await this.open311.definition(stem)));
  }

  @Post(['requests.json', 'requests.xml'])
  async create(@Req() req: Request, @Body() body: Record<string, unknown> | undefined, @Res() res: Response): Promise<void> {
    const input = { ...(req.query as Record<string, unknown>), ...(typeof body === 'object' && body !== null ? body : {}) };
    const apiKey = typeof input['api_key'] === 'string' && input['api_key'] !== '' ? input['api_key'].slice(0, 100) : null;
    const created = await this.open311.create(input, apiKey);
    send(res, 201, renderCreated(formatOf(req), [created]));
  }

  @Get(['requests.json', 'requests.xml'])
  async list(@Req() req: Request, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    send(res, 200, renderRequests(formatOf(req), await this.open311.list(query)));
  }

  @Get('requests/:file')
  async one(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const { stem, format } = split(file);
    send(res, 200, renderRequests(format, [await this.open311.one(stem)]));
  }

  @Get('tokens/:file')
  async token(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const { stem, format } = split(file);
    send(res, 200, renderCreated(format, [await this.open311.token(stem)]));
  }
}
