// "Start at login" (stack-notes §3.2): macOS and Windows through app.setLoginItemSettings; Linux through an XDG
// autostart entry (~/.config/autostart/redial.desktop), which is what desktop environments read there. Started
// that way, Redial opens in the tray with its window hidden (HIDDEN_ARG; on macOS the login item says so itself).
import { join } from 'node:path';

export const HIDDEN_ARG = '--hidden';
export const AUTOSTART_FILE = 'redial.desktop';

export interface LoginItemHost {
  readonly platform: string;
  readonly setLoginItemSettings: (settings: { openAtLogin: boolean; args?: string[] }) => void;
  /** What the entry starts: the AppImage (its path in $APPIMAGE) or the executable, plus the app folder in a dev run. */
  readonly command: readonly string[];
  /** $XDG_CONFIG_HOME, or ~/.config. */
  readonly configDir: string;
  readonly writeFile: (path: string, text: string) => Promise<void>;
  readonly removeFile: (path: string) => Promise<void>;
}

/** A desktop entry's Exec value: each argument quoted as the Desktop Entry Specification asks. */
function execLine(args: readonly string[]): string {
  return args.map((a) => `"${a.replace(/(["`$\\])/g, '\\$1')}"`).join(' ');
}

export function autostartEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Redial',
    'Comment=IAX2 softphone, started in the tray',
    `Exec=${execLine([...command, HIDDEN_ARG])}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Makes the system start Redial at login, or stop doing so. */
export async function applyStartAtLogin(on: boolean, host: LoginItemHost): Promise<void> {
  if (host.platform === 'linux') {
    const path = join(host.configDir, 'autostart', AUTOSTART_FILE);
    if (on) await host.writeFile(path, autostartEntry(host.command));
    else await host.removeFile(path);
    return;
  }
  host.setLoginItemSettings({ openAtLogin: on, ...(host.platform === 'win32' ? { args: [HIDDEN_ARG] } : {}) });
}
