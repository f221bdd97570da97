/** The NATS MQTT listener's mapping: MQTT '/' separates subject tokens, a '.' inside a level becomes '//'. */
export function mqttTopicToSubject(topic: string): string {
  return topic
    .split('/')
    .map((level) => level.replace(/\./g, '//'))
    .join('.');
}

/** The reverse of `mqttTopicToSubject`. */
export function subjectToMqttTopic(subject: string): string {
  return subject
    .split('.')
    .map((token) => token.replace(/\/\//g, '.'))
    .join('/');
}
