/** The NATS MQTT listener's mapping: MQTT '/' separates subject tokens, a '.' inside a level becomes '//'. */
export function mqttTopicToSubject(topic: string): string {
  return topic
    .split('/')
    .map((level) => level.replace(/\./g, '//'))
    .join('.');
}

/** The reverse of `mqttTopicToSubject`. */
export function subjectToMqttTopic(subject: string): string {
  if (!subject.includes('//')) return subject.replaceAll('.', '/'); // the usual case, without an array per message
  return subject
    .split('.')
    .map((token) => token.replace(/\/\//g, '.'))
    .join('/');
}
