import {
  DeleteParameterCommand,
  GetParameterCommand,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import {
  type Freeze,
  type FreezeStore,
  freezeFromParameter,
  isParameterNotFound,
  serializeFreeze,
} from './freeze';

/**
 * The freeze in an SSM parameter (String, JSON; see {@link Freeze}). Reading needs only
 * `ssm:GetParameter` on that one parameter; a missing parameter means "not frozen". The stack never
 * creates it, so a deploy cannot lift a freeze.
 */
export class SsmFreezeStore implements FreezeStore {
  constructor(
    private readonly client: SSMClient,
    /** e.g. `/apprunner-scheduler/prod/freeze` (see freezeParameterName). */
    readonly parameterName: string,
  ) {}

  get(): Promise<Freeze | undefined> {
    return freezeFromParameter(
      async () =>
        (await this.client.send(new GetParameterCommand({ Name: this.parameterName }))).Parameter?.Value,
      this.parameterName,
    );
  }

  async put(freeze: Freeze): Promise<void> {
    await this.client.send(
      new PutParameterCommand({
        Name: this.parameterName,
        Value: serializeFreeze(freeze),
        Type: 'String',
        Overwrite: true,
        Description: 'App Runner Scheduler freeze: scheduled runs are skipped until it ends (see RUNBOOK)',
      }),
    );
  }

  async delete(): Promise<boolean> {
    try {
      await this.client.send(new DeleteParameterCommand({ Name: this.parameterName }));
      return true;
    } catch (error) {
      if (isParameterNotFound(error)) return false;
      throw error;
    }
  }
}
