// `redial devices`: the sound devices as the app shows them, with the keys --input-device/--output-device take.
import { formatDeviceList } from '../../core/media/devices/device-arguments.js';
import { createAudioSystem } from '../../adapters/audio/create-audio-system.js';
import type { Command } from '../args.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { CliOutput } from '../output.js';

export async function runDevices(cmd: Extract<Command, { kind: 'devices' }>, out: CliOutput): Promise<ExitCodeValue> {
  const audio = createAudioSystem({ kind: 'portaudio' }, { onNotice: (message) => out.emit({ event: 'notice', message }) });
  let devices;
  try {
    devices = await audio.listDevices();
  } catch (err) {
    out.emit({ event: 'error', code: 'audio', message: `cannot list sound devices: ${err instanceof Error ? err.message : String(err)}` });
    return ExitCode.INTERNAL;
  }
  if (cmd.common.json) out.raw(JSON.stringify({ event: 'devices', devices }) + '\n');
  else out.raw(formatDeviceList(devices));
  return ExitCode.OK;
}
