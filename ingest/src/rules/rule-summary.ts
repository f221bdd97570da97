import { aqiEditionAt, METRICS } from '@gridhub/contracts';
import { Rule } from './rule.types';

/** One line describing a rule alert (zh-CN first, as incidents and CAP descriptions show it). */
export function ruleSummary(rule: Rule, value: number, at: Date): string {
  const unit = rule.metric ? (METRICS[rule.family][rule.metric]?.unit ?? '') : '';
  const what = rule.kind === 'aqi_level' ? 'AQI 级别' : rule.kind === 'water_class' ? '水质类别' : rule.kind === 'no_data' ? '无数据分钟数' : rule.metric;
  const level =
    rule.kind === 'above' ? `> ${rule.threshold}` : rule.kind === 'below' ? `< ${rule.threshold}` :
    // An AQI level names the HJ 633 edition it was judged under (by the readings' time).
    rule.kind === 'aqi_level' ? `≥ ${rule.threshold}，${aqiEditionAt(at)}` :
    rule.kind === 'rate_of_change' ? `变化率 > ${rule.threshold}/${rule.ratePer === 'minute' ? '分钟' : '小时'}` :
    rule.kind === 'no_data' ? `≥ ${rule.threshold}` : `劣于 ${rule.threshold ?? '目标'} 类`;
  return `${rule.name}：${what} = ${value}${unit ? ' ' + unit : ''}（${level}）`;
}
