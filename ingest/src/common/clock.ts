import { Injectable } from '@nestjs/common';

/** The one place that reads the wall clock, so services stay testable with a fixed time. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
