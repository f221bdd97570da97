import { Injectable, Logger } from '@nestjs/common';
import { AlertSink, RaisedAlert } from '@gridhub/ingest';
import { WarningColour } from '@gridhub/contracts';
import { Priority } from '@gridhub/contracts';
import { IncidentService } from './incident.service';

const PRIORITY_OF_SEVERITY: Readonly<Record<WarningColour, Priority>> = {
  red: 'urgent',
  orange: 'high',
  yellow: 'normal',
  blue: 'low',
};

/**
 * Intake (step 1) of alerts from the sensing half. A sensor breach is its own verification: filed and
 * dispatched. A video detection is reported and sent to the grid worker to verify on site. An emergency
 * alarm is urgent and dispatched at once. One incident per alert (the alert id is the source reference).
 */
@Injectable()
export class IncidentIntakeService extends AlertSink {
  private readonly logger = new Logger(IncidentIntakeService.name);

  constructor(private readonly incidents: IncidentService) {
    super();
  }

  async onAlertRaised(alert: RaisedAlert): Promise<string> {
    const source = alert.emergency ? 'emergency' : alert.source;
    const { incident, created } = await this.incidents.report(
      {
        category: alert.incidentCategory,
        title: `${alert.ruleName}：${alert.deviceName}`,
        description: alert.summary,
        lon: alert.lon,
        lat: alert.lat,
        priority: alert.emergency ? 'urgent' : PRIORITY_OF_SEVERITY[alert.severity],
        source,
        sourceRef: `alert:${alert.alertId}`,
        emergency: alert.emergency,
        needsVerification: alert.needsVerification && !alert.emergency,
        detail: {
          alertId: alert.alertId,
          rule: alert.ruleName,
          deviceId: alert.deviceId,
          metric: alert.metric,
          value: alert.value,
          threshold: alert.threshold,
          observedAt: alert.observedAt.toISOString(),
        },
      },
      { sub: `device:${alert.deviceId}`, username: `device:${alert.deviceId}`, role: 'system', workerId: null },
      { duplicates: false },
    );
    if (!created) this.logger.debug(`alert ${alert.alertId} already has incident ${incident.code}`);
    return incident.id;
  }
}
