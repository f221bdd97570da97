import { Injectable, Logger } from '@nestjs/common';
import { AlertSink, Clock, RaisedAlert, WarningColour } from '@gridhub/ingest';
import { DispatchService } from '../dispatch/dispatch.service';
import { GridLocatorService } from '../grids/grid-locator.service';
import { categoryOf } from './incident-categories';
import { Priority } from './incident-status';
import { IncidentRepository } from './incident.repository';

const PRIORITY_OF_SEVERITY: Readonly<Record<WarningColour, Priority>> = {
  red: 'urgent',
  orange: 'high',
  yellow: 'normal',
  blue: 'low',
};

/** Incident codes read as GH + the date in China Standard Time + a six-digit serial. */
function incidentCode(at: Date, serial: number): string {
  const cst = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
  return `GH${cst}${String(serial).padStart(6, '0')}`;
}

/**
 * Intake (step 1) for sensor alerts: locates the unit grid, files the incident — a confirmed sensor breach
 * needs no on-site verification before filing — and hands it to dispatch.
 */
@Injectable()
export class IncidentIntakeService extends AlertSink {
  private readonly logger = new Logger(IncidentIntakeService.name);

  constructor(
    private readonly incidents: IncidentRepository,
    private readonly locator: GridLocatorService,
    private readonly dispatcher: DispatchService,
    private readonly clock: Clock,
  ) {
    super();
  }

  async onAlertRaised(alert: RaisedAlert): Promise<string> {
    const now = this.clock.now();
    const category = categoryOf(alert.incidentCategory);
    const { incident, created } = await this.incidents.insert(
      {
        code: incidentCode(now, await this.incidents.nextCodeNumber()),
        category: alert.incidentCategory,
        title: `${category?.nameZh ?? alert.incidentCategory}：${alert.deviceName}`,
        description: alert.summary,
        priority: PRIORITY_OF_SEVERITY[alert.severity],
        status: 'filed',
        source: 'sensor',
        sourceRef: `alert:${alert.alertId}`,
        lon: alert.lon,
        lat: alert.lat,
        gridCode: this.locator.locate(alert.lon, alert.lat),
        createdAt: now,
      },
      {
        action: 'file',
        fromStatus: null,
        toStatus: 'filed',
        actor: `device:${alert.deviceId}`,
        at: now,
        detail: { alertId: alert.alertId, rule: alert.ruleName, value: alert.value, observedAt: alert.observedAt.toISOString() },
      },
    );
    if (created) this.logger.log(`incident ${incident.code} filed from alert ${alert.alertId} in grid ${incident.gridCode}`);
    await this.dispatcher.dispatch(incident);
    return incident.id;
  }
}
