import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';

/**
 * Known errors become the 4xx their exception names, with a message that says what is wrong; anything else
 * is a 500 with a correlation id that is also in the log line with the full error.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const fields = typeof body === 'string' ? { message: body } : (body as { message?: unknown; error?: string });
      response.status(status).json({
        statusCode: status,
        error: fields.error ?? exception.name.replace(/Exception$/, ''),
        message: fields.message ?? exception.message,
      });
      return;
    }
    const correlationId = randomUUID();
    const error = exception instanceof Error ? exception : new Error(String(exception));
    this.logger.error(`${request.method} ${request.url} failed [${correlationId}]: ${error.message}`, error.stack);
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).json({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'internal error; quote the correlation id when reporting it',
      correlationId,
    });
  }
}
