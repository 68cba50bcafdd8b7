// /openapi/v2 for kubectl 1.27 and 1.28: they refuse create, apply and explain unless a protobuf
// OpenAPI v2 document parses, then use v3 for everything. The smallest document that parses:
// swagger "2.0" (field 1) and info{title "Kubernetes", version} (field 2, fields 1 and 2).
// Served as application/octet-stream: the protobuf media type as a Content-Type breaks Go's parser.

function field(n: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(n << 3) | 2, payload.length]), payload]);
}

export function swaggerV2Protobuf(version: string): Buffer {
  const info = Buffer.concat([field(1, Buffer.from('Kubernetes')), field(2, Buffer.from(version))]);
  return Buffer.concat([field(1, Buffer.from('2.0')), field(2, info)]);
}
