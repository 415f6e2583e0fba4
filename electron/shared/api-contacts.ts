// The contract's contacts (electron/shared/api.ts): entries, numbers, import and export formats, missed calls.

export interface ContactNumber {
  /** As the phone dials it (separators dropped); in a ContactInput, as typed ("+1 (212) 555-0100"). */
  readonly number: string;
  /** 'mobile', 'work', 'home', 'fax', or the user's own word; '' when none. */
  readonly label: string;
}

/** One entry of the address book the phone keeps. */
export interface ContactView {
  readonly id: string;
  readonly name: string;
  /** One to ten, the first is the one a click calls. */
  readonly numbers: readonly ContactNumber[];
  /** Calls to this contact go through this account (otherwise the one chosen in the dialler). */
  readonly accountId?: string;
  /** Speed-dial key 1–9 (one contact per key). */
  readonly speedDial?: number;
}

/** Create (no `id`) or replace a contact as the form shows it. */
export interface ContactInput {
  readonly id?: string;
  readonly name: string;
  readonly numbers: readonly ContactNumber[];
  readonly accountId?: string;
  readonly speedDial?: number;
}

export type ContactFormat = 'vcard' | 'csv';

export interface ContactImportResult {
  readonly added: number;
  /** Contacts already in the book (same name) that gained numbers. */
  readonly updated: number;
  readonly skipped: number;
  /** What could not be used, in words (at most 50). */
  readonly problems: readonly string[];
}

/** Missed calls the user has not looked at yet: the tray, the dock/taskbar badge, the window title and the Phone tab show it. */
export interface MissedCalls {
  /** Incoming calls that ended unanswered (outcome 'missed') since the history was last seen ('history:seen'). */
  readonly unseen: number;
}
