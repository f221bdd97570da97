import { beijingExtended } from '@gridhub/contracts';
import { create } from 'xmlbuilder2';
import { AlertView } from '@gridhub/contracts';
import { WarningColour } from '@gridhub/contracts';
import { CapArea, capCategory, capCertainty, capMessage, capUrgency, warningTexts, writeArea } from './cap.builder';

export const GBT35965_CONTENT_TYPE = 'application/xml';

/** GB/T 35965.1 warning levels: 红色 I级 … 蓝色 IV级 (severity codes Red, Orange, Yellow, Blue). */
const SEVERITY: Readonly<Record<WarningColour, 'Red' | 'Orange' | 'Yellow' | 'Blue'>> = {
  red: 'Red',
  orange: 'Orange',
  yellow: 'Yellow',
  blue: 'Blue',
};

export interface WarningMessageIds {
  /** This message's identifier, and the original Alert's when this is an Update or a Cancel. */
  identifier: string;
  references: string | null;
}

/**
 * The warning's current message as a GB/T 35965.1-2018 early-warning document (预警信息), beside its CAP 1.2 form:
 * the standard's identifier (ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N), the issuing unit's code, Beijing times in the extended
 * format, the colour levels as severity, Chinese texts; the area as the unit grid's polygon or a 100 m circle.
 * docs/domain/early-warning.md says which fields come from the standard's annex and which follow CAP 1.2.
 */
export function gbt35965Document(alert: AlertView, area: CapArea | null, ids: WarningMessageIds, sender: { code: string; name: string }): string {
  const message = capMessage(alert);
  const t = warningTexts(alert, area, 'zh');
  const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele('alert');
  doc.ele('identifier').txt(ids.identifier);
  doc.ele('sender').txt(sender.name);
  doc.ele('senderCode').txt(sender.code);
  doc.ele('sendTime').txt(beijingExtended(message.sent));
  doc.ele('status').txt('Actual');
  doc.ele('msgType').txt(message.msgType);
  doc.ele('scope').txt('Public');
  if (ids.references) doc.ele('references').txt(ids.references);
  const info = doc.ele('info');
  info.ele('language').txt('zh-CN');
  info.ele('eventType').txt(alert.eventType ?? alert.kind);
  info.ele('category').txt(capCategory(alert));
  info.ele('urgency').txt(capUrgency(alert, message.msgType));
  info.ele('severity').txt(SEVERITY[alert.severity]);
  info.ele('certainty').txt(capCertainty(alert));
  info.ele('effective').txt(beijingExtended(alert.raisedAt));
  info.ele('onset').txt(beijingExtended(alert.raisedAt));
  if (alert.clearedAt) info.ele('expires').txt(beijingExtended(alert.clearedAt));
  info.ele('senderName').txt(sender.name);
  info.ele('headline').txt(t.headline);
  info.ele('description').txt(t.description);
  info.ele('instruction').txt(t.instruction);
  // GB/T 2260 area code of the district the grid lies in (the grid code's first 6 digits), and the grid itself.
  writeArea(info, alert, area, t.areaDesc, area ? [['AreaCode', area.code.slice(0, 6)], ['GridCode', area.code]] : []);
  return doc.end({ prettyPrint: true });
}
