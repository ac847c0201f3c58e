import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message the functions published, as SNS received it on the wire. */
export interface PublishedMessage {
  topicArn: string;
  subject?: string;
  message: string;
  attributes: Record<string, string>;
}

export interface SnsRecorder {
  /** For `AWS_ENDPOINT_URL_SNS`. */
  endpoint: string;
  published: PublishedMessage[];
  stop(): Promise<void>;
}

/**
 * An SNS endpoint that answers Publish (the awsQuery protocol the SDK speaks to SNS) for the given topics
 * and records what was published. A topic it does not know gets SNS's NotFound, so an alert sent to a
 * wrong topic ARN is a failed publish, as in AWS. Nothing else of SNS is modelled.
 */
export async function startSnsRecorder(topicArns: string[]): Promise<SnsRecorder> {
  const published: PublishedMessage[] = [];
  const server = serve((_req, body, res) => {
    const form = new URLSearchParams(body);
    const requestId = randomUUID();
    const answer = (status: number, xml: string) => {
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      res.end(xml);
    };
    const fail = (status: number, code: string, message: string) =>
      answer(
        status,
        `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    if (form.get('Action') !== 'Publish') return fail(400, 'InvalidAction', 'only Publish is modelled');
    const topicArn = form.get('TopicArn') ?? '';
    if (!topicArns.includes(topicArn)) return fail(404, 'NotFound', 'Topic does not exist');
    const attributes: Record<string, string> = {};
    for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
      attributes[form.get(`MessageAttributes.entry.${i}.Name`)!] =
        form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '';
    }
    const subject = form.get('Subject') ?? undefined;
    published.push({
      topicArn,
      ...(subject !== undefined ? { subject } : {}),
      message: form.get('Message') ?? '',
      attributes,
    });
    const messageId = randomUUID();
    return answer(
      200,
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  });
  return { ...(await listen(server)), published };
}

/** A trace segment (or subsegment) as the functions' X-Ray SDK sent it. */
export interface TraceSegment {
  name: string;
  namespace?: string;
  aws?: { operation?: string };
}

export interface XrayDaemon {
  /** For `AWS_XRAY_DAEMON_ADDRESS`. */
  address: string;
  segments: TraceSegment[];
  stop(): Promise<void>;
}

/**
 * Stands in for the X-Ray daemon Lambda runs beside a traced function (`tracing.lambda: true`): takes the
 * UDP datagrams the X-Ray SDK sends (a JSON header line, then the segment) and keeps the segments.
 */
export async function startXrayDaemon(): Promise<XrayDaemon> {
  const segments: TraceSegment[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (datagram) => {
    const text = datagram.toString('utf8');
    try {
      segments.push(JSON.parse(text.slice(text.indexOf('\n') + 1)) as TraceSegment);
    } catch {
      // Not a segment: the real daemon drops it too.
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    segments,
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

export interface SsmStandIn {
  /** For `AWS_ENDPOINT_URL_SSM`. */
  endpoint: string;
  /** Parameter names asked for, in order. */
  reads: string[];
  stop(): Promise<void>;
}

/**
 * An SSM endpoint that answers GetParameter (awsJson1_1, the protocol the SDK speaks to SSM) from the given
 * parameters, and ParameterNotFound for any other name, as SSM does. Nothing else of SSM is modelled.
 */
export async function startSsmStandIn(parameters: Record<string, string>): Promise<SsmStandIn> {
  const reads: string[] = [];
  const server = serve((req, body, res) => {
    const answer = (status: number, value: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': randomUUID(),
      });
      res.end(JSON.stringify(value));
    };
    if (req.headers['x-amz-target'] !== 'AmazonSSM.GetParameter') {
      return answer(400, { __type: 'InvalidAction', message: 'only GetParameter is modelled' });
    }
    const name = String((JSON.parse(body || '{}') as { Name?: unknown }).Name ?? '');
    reads.push(name);
    const value = parameters[name];
    if (value === undefined)
      return answer(400, { __type: 'ParameterNotFound', message: `${name} not found` });
    return answer(200, { Parameter: { Name: name, Type: 'String', Value: value, Version: 1 } });
  });
  return { ...(await listen(server)), reads };
}

/** An HTTP server that hands each request to `handle` with its whole body. */
function serve(handle: (req: IncomingMessage, body: string, res: ServerResponse) => void): Server {
  return createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => handle(req, body, res));
  });
}

/** Listens on a free local port; `stop` closes the server and its open connections. */
async function listen(server: Server): Promise<{ endpoint: string; stop(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
