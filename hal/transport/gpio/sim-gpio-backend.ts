import type { SimLinkClient } from '../sim-link/sim-link-client.js';
import type { GpioBackend, GpioLevel, GpioLine, GpioLineSpec } from './api.js';

/** GPIO lines of the simulated world (e-stop buttons, bumpers, encoder channels, H-bridge pins). */
export class SimGpioBackend implements GpioBackend {
  readonly kind = 'sim';

  constructor(private readonly link: SimLinkClient) {}

  async open(spec: GpioLineSpec): Promise<GpioLine> {
    const { chipLabel, line } = spec;
    await this.link.request({ t: 'gpio-open', chipLabel, line, direction: spec.direction });
    const link = this.link;
    const invert = (level: GpioLevel): GpioLevel => (spec.activeLow ? ((1 - level) as GpioLevel) : level);
    const listeners: Array<(level: GpioLevel) => void> = [];
    link.listenGpio(chipLabel, line, (msg) => {
      for (const listener of listeners) listener(invert(msg.level));
    });
    return {
      spec,
      async read(): Promise<GpioLevel> {
        const reply = await link.request({ t: 'gpio-read', chipLabel, line });
        return invert(((reply.bytes?.[0] ?? 0) & 1) as GpioLevel);
      },
      async write(level: GpioLevel): Promise<void> {
        link.send({ t: 'gpio-write', chipLabel, line, level: invert(level), stampUs: link.nowUs() });
      },
      onEdge(listener: (level: GpioLevel) => void): void {
        listeners.push(listener);
      },
      async close(): Promise<void> {
        listeners.length = 0;
      },
    };
  }
}
