import { z } from 'zod';

/**
 * The `params` of a `basicmicro,roboclaw` device node in a board config. The driver and the
 * simulator model read the same definitions, so an address or encoder change applies to both.
 */

/**
 * Line speeds the RoboClaw offers in packet serial mode, baud (manual, "Packet Serial Baud Rate").
 * Over its USB port the rate is ignored by the controller.
 */
export const ROBOCLAW_BAUD_RATES = [2_400, 9_600, 19_200, 38_400, 57_600, 115_200, 230_400, 460_800] as const;

export const roboclawParamsSchema = z
  .object({
    address: z
      .number()
      .int()
      .min(0x80)
      .max(0x87)
      .default(0x80)
      .describe(
        'Packet serial address set on the controller (packet modes 7..14), 0x80..0x87 (128..135). Default 0x80.',
      ),
    baudRate: z
      .number()
      .int()
      .refine((rate) => (ROBOCLAW_BAUD_RATES as readonly number[]).includes(rate), {
        message: `must be one of ${ROBOCLAW_BAUD_RATES.join(', ')}`,
      })
      .default(38_400)
      .describe(
        'UART line speed, baud, as set on the controller: 2400, 9600, 19200, 38400, 57600, 115200, 230400 or 460800. ' +
          'Default 38400. Ignored by the controller over USB.',
      ),
    ticksPerMetre: z
      .number()
      .positive()
      .max(10_000_000)
      .describe(
        'Encoder counts per metre of wheel travel (quadrature counts per motor turn x gear ratio / wheel circumference in metres). Required.',
      ),
    pollHz: z
      .number()
      .min(1)
      .max(200)
      .default(50)
      .describe('How often both encoders and the main battery voltage are read, hertz, 1..200. Default 50.'),
    replyTimeoutMs: z
      .number()
      .int()
      .min(10)
      .max(1_000)
      .default(20)
      .describe(
        'How long to wait for a reply or acknowledgement before sending again, milliseconds, 10..1000. Default 20. ' +
          'At least 10: the controller drops a partial packet after a 10 ms gap (manual, "Packet Timeout").',
      ),
    serialTimeoutMs: z
      .number()
      .int()
      .min(0)
      .max(25_500)
      .multipleOf(100)
      .default(500)
      .describe(
        "The controller's own serial timeout, written to it after each open: with no valid packet for this long it stops " +
          'both motors by itself (host crashed, cable pulled). Milliseconds, 0..25500 in steps of 100; 0 turns it off. Default 500.',
      ),
  })
  .strict()
  .refine((params) => params.serialTimeoutMs === 0 || (params.pollHz * params.serialTimeoutMs) / 1_000 >= 2, {
    message:
      'serialTimeoutMs must cover at least two polls (serialTimeoutMs >= 2000 / pollHz), or the motors stop between them',
    path: ['serialTimeoutMs'],
  });

/** Validated RoboClaw parameters, every default filled in. */
export type RoboclawParams = z.infer<typeof roboclawParamsSchema>;
