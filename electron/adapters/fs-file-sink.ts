// The FileSink of the PhoneService: exported traces and call recordings go into folders under one base
// directory (the app's data folder, or the user's choice). File names come from the service, never from the UI.
// Folders are 0700 and files 0600 (private-files.ts): they hold conversations, numbers and addresses.
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { FileSink } from '../core/phone/phone-service.js';
import { PRIVATE_DIR_MODE, writePrivateFile } from './private-files.js';

export class FolderFileSink implements FileSink {
  constructor(private readonly folders: { readonly recordings: string; readonly traces: string }) {}

  async pathFor(folder: 'recordings' | 'traces', fileName: string): Promise<string> {
    const dir = this.folders[folder];
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    // basename(): a name can never climb out of its folder.
    return join(dir, basename(fileName));
  }

  async write(folder: 'recordings' | 'traces', fileName: string, data: Uint8Array | string): Promise<string> {
    const path = await this.pathFor(folder, fileName);
    await writePrivateFile(path, data);
    return path;
  }
}
