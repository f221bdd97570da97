import { RaisedAlert } from './alert.types';

/** Port through which a new alert becomes an incident; implemented by grid operations, wired by the hub. */
export abstract class AlertSink {
  /** Returns the id of the incident created for the alert (idempotent per alert). */
  abstract onAlertRaised(alert: RaisedAlert): Promise<string>;
}
