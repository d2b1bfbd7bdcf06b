import type { SimLinkClient } from '../sim-link/sim-link-client.js';
import { TransportError } from '../transport-error.js';
import type { PwmBackend, PwmChannel, PwmChannelSpec } from './api.js';

/** PWM channels of the simulated world. */
export class SimPwmBackend implements PwmBackend {
  readonly kind = 'sim';

  constructor(private readonly link: SimLinkClient) {}

  async open(spec: PwmChannelSpec): Promise<PwmChannel> {
    const { chip, channel, periodNs } = spec;
    await this.link.request({ t: 'pwm-open', chip, channel, periodNs });
    const link = this.link;
    let duty = 0;
    let enabled = false;
    let open = true;
    const send = (): void => link.send({ t: 'pwm-set', chip, channel, duty, enabled, stampUs: link.nowUs() });
    return {
      spec,
      async setDuty(next: number): Promise<void> {
        if (!open) throw new TransportError('ECLOSED', `PWM ${chip}/${channel} is closed`);
        if (!(next >= 0 && next <= 1)) throw new RangeError(`PWM duty must be in 0..1, got ${next}`);
        duty = next;
        send();
      },
      async enable(on: boolean): Promise<void> {
        if (!open) throw new TransportError('ECLOSED', `PWM ${chip}/${channel} is closed`);
        enabled = on;
        send();
      },
      async close(): Promise<void> {
        if (!open) return;
        enabled = false;
        send();
        open = false;
      },
    };
  }
}
