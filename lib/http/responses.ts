import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number };

/** A JSON response; every route answers through this one helper. */
export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** A non-JSON response (HTML pages, files). Binary bodies travel base64-encoded, as in API Gateway. */
export function rawResponse(statusCode: number, body: string | Buffer, contentType: string, headers: Record<string, string> = {}): HttpResult {
  const binary = Buffer.isBuffer(body);
  return {
    statusCode,
    headers: { 'content-type': contentType, ...headers },
    body: binary ? body.toString('base64') : body,
    isBase64Encoded: binary,
  };
}
