import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

export interface AlertMessage {
  topicArn: string;
  subject: string;
  message: string;
  attributes?: Record<string, string>;
}

/** Where alerts go. The SNS adapter is the real one; the local runner records them instead. */
export interface AlertPublisher {
  publish(alert: AlertMessage): Promise<{ messageId?: string }>;
}

/** Publishes alerts to SNS (client created on first use, standard endpoint resolution). */
export class SnsAlertPublisher implements AlertPublisher {
  private client: SNSClient | undefined;

  constructor(private readonly region: string) {}

  async publish(alert: AlertMessage): Promise<{ messageId?: string }> {
    this.client ??= new SNSClient({ region: this.region, maxAttempts: 3 });
    const out = await this.client.send(
      new PublishCommand({
        TopicArn: alert.topicArn,
        // SNS subjects: ASCII, at most 100 characters, no line breaks.
        Subject: alert.subject.replace(/[^\x20-\x7e]/g, '?').slice(0, 100),
        Message: alert.message,
        MessageAttributes: Object.fromEntries(
          Object.entries(alert.attributes ?? {}).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
        ),
      }),
    );
    return { messageId: out.MessageId };
  }
}
