import type { ServerNotification } from '@modelcontextprotocol/sdk/types.js';

type SendNotification = (notification: ServerNotification) => Promise<void>;

/**
 * Sends `notifications/progress` for one tool call. MCP wants `progress` to grow with every notification, and
 * bytes restart at every copy round, so progress is a step counter and the message says where the work is.
 */
export class ProgressReporter {
  private step = 0;

  constructor(
    private readonly token: string | number,
    private readonly send: SendNotification,
  ) {}

  async report(message: string, total?: number): Promise<void> {
    this.step += 1;
    await this.send({
      method: 'notifications/progress',
      params: {
        progressToken: this.token,
        progress: this.step,
        ...(total !== undefined ? { total } : {}),
        message,
      },
    });
  }

  get steps(): number {
    return this.step;
  }
}
