import { mqttTopicToSubject, subjectToMqttTopic } from './nats-subject';

describe('MQTT topic ↔ NATS subject (the NATS MQTT listener’s mapping)', () => {
  it.each([
    ['gridhub/v1/air/air-001/data', 'gridhub.v1.air.air-001.data'],
    ['gridhub/v1/water/st.12/status', 'gridhub.v1.water.st//12.status'],
    ['gridhub/v1/workers/w_7/location', 'gridhub.v1.workers.w_7.location'],
  ])('maps %s to %s and back', (topic, subject) => {
    expect(mqttTopicToSubject(topic)).toBe(subject);
    expect(subjectToMqttTopic(subject)).toBe(topic);
  });
});
