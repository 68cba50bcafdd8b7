// Cluster DNS: the server and its pieces.
export { startDns, upstreamFromResolvConf, type DnsOptions, type RunningDns } from './server.js';
export { resolve, TTL, type ClusterView, type Answer } from './records.js';
export { encode, decode, TYPE, RCODE, CLASS_IN, WireError, type Message, type Question, type ResourceRecord } from './wire.js';
