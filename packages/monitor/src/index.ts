export type {
  DeliveryErrorCode,
  DeliveryOptions,
  DeliveryStats,
  DropReason,
} from './delivery-queue.js';
export { DeliveryError } from './delivery-queue.js';
export type { HttpSink, HttpSinkOptions } from './http-sink.js';
export { createHttpSink } from './http-sink.js';
export type { SyslogSink, SyslogSinkOptions } from './syslog-sink.js';
export { createSyslogSink, formatSyslogMessage } from './syslog-sink.js';
