// Stand-in for the `electron` module under vitest (see vitest.config.ts). Tests that exercise the
// Electron glue extend these objects; nothing in the core may import `electron` at all.
export const app = { getPath: (_name: string): string => '/tmp', isPackaged: false };
export const safeStorage = {
  isEncryptionAvailable: (): boolean => false,
  getSelectedStorageBackend: (): string => 'basic_text',
};
export default { app, safeStorage };
