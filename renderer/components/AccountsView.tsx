// Accounts: the list (with live registration status) and the editor for one account. Unsaved edits are never
// dropped without a word: picking another account, adding one or leaving the page asks first.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CodecName, EncryptionMode } from '../../electron/shared/api.js';
import {
  AUTH_CHOICES, CODEC_LABELS, ENCRYPTION_CHOICES, ENCRYPTION_HINT, draftFrom, emptyDraft, inputFrom, moveItem, validateDraft,
  type AccountDraft, type AuthChoice, type DraftErrors,
} from '../lib/account-form.js';
import { usePhone, useStore } from '../state/context.js';
import { RegDetail, regShort } from './RegistrationStatus.js';

/** A new account's fields filled in from elsewhere (an `iax:` link for a server with no account). */
export interface AccountPrefill { readonly server: string; readonly username?: string }
/** Asks about unsaved edits before the editor goes away: true = go ahead. The window asks it before it opens
 * another account or page (`onSelect` goes through the window). */
export type LeaveGuard = () => boolean;

/**
 * An editor's unsaved draft, put aside when the editor went away without the user deciding (a ringing call brings
 * the Phone page forward): the editor of the same account takes it back when it opens again. The window owns it.
 */
export interface KeptDraft { readonly accountId: string | null; readonly draft: AccountDraft; readonly pristine: AccountDraft }

/** How long "Saved." stays next to the Save button. */
export const SAVED_SHOWN_MS = 4000;

export function AccountsView(props: { selectedId: string | null; onSelect: (id: string | null) => void; onGoToPhone?: () => void;
  prefill?: AccountPrefill; leaveGuard: { current: LeaveGuard | null }; kept: { current: KeptDraft | null }; openedAt?: number }) {
  const accounts = useStore((s) => s.accounts);
  const registrations = useStore((s) => s.registrations);
  const selected = accounts.find((a) => a.id === props.selectedId);
  const [justSaved, setJustSaved] = useState<string | null>(null);
  return (
    <div class="accounts">
      <section class="card" aria-labelledby="acct-list-title">
        <h2 id="acct-list-title">Accounts</h2>
        {accounts.length === 0 && <p class="muted" style={{ marginTop: 0 }}>No account yet. Enter your PBX's address, your user name and password, then Save.</p>}
        <ul class="account-list">
          {accounts.map((a) => (
            <li key={a.id}>
              <button type="button" aria-current={a.id === props.selectedId ? 'true' : 'false'} onClick={() => { if (a.id !== props.selectedId) props.onSelect(a.id); }}
                data-testid={`account-item-${a.id}`}>
                <span class="acct-name">{a.label || a.username}</span>
                <span class="muted">{a.username}@{a.server}</span>
                <span class={`acct-status ${registrations[a.id]?.status === 'failed' || a.secretMissing ? 'error-text' : 'muted'}`}>
                  {regShort(registrations[a.id], a)}
                </span>
              </button>
            </li>
          ))}
        </ul>
        <button type="button" class="btn" onClick={() => { if (selected) props.onSelect(null); }} data-testid="add-account">+ Add account</button>
      </section>
      <AccountEditor key={selected?.id ?? `new-${props.prefill?.server ?? ''}`} accountId={selected?.id ?? null}
        justSaved={justSaved !== null && justSaved === selected?.id} leaveGuard={props.leaveGuard} kept={props.kept}
        {...(props.openedAt !== undefined ? { openedAt: props.openedAt } : {})}
        onSaved={(id) => { setJustSaved(id); props.onSelect(id); }} onDeleted={() => props.onSelect(null)}
        {...(props.prefill && !selected ? { prefill: props.prefill } : {})}
        {...(props.onGoToPhone ? { onGoToPhone: props.onGoToPhone } : {})} />
    </div>
  );
}

/** Fields behind "More settings": opened when one of them needs correcting. */
const ADVANCED_FIELDS: readonly string[] = ['auth', 'encryption', 'callerIdName', 'callerIdNumber', 'codecs', 'refreshSeconds', 'voicemailNumber'];

function Field(props: { id: string; label: string; error?: string; children: preact.ComponentChildren; hint?: string }) {
  return (<>
    <label for={props.id}>{props.label}</label>
    {props.children}
    {props.error && <span class="err" id={`${props.id}-err`} role="alert">{props.error}</span>}
    {!props.error && props.hint && <span class="err muted" id={`${props.id}-hint`} style={{ color: 'var(--muted)' }}>{props.hint}</span>}
  </>);
}

function AccountEditor(props: { accountId: string | null; justSaved: boolean; onSaved: (id: string) => void; onDeleted: () => void;
  onGoToPhone?: () => void; prefill?: AccountPrefill; leaveGuard: { current: LeaveGuard | null }; kept: { current: KeptDraft | null };
  openedAt?: number }) {
  const phone = usePhone();
  const account = useStore((s) => s.accounts.find((a) => a.id === props.accountId));
  const reg = useStore((s) => (props.accountId ? s.registrations[props.accountId] : undefined));
  // Where passwords cannot outlive this run (no keychain, no passphrase), "Remember password" would be a promise broken.
  const canRemember = useStore((s) => s.info?.secretStorage !== 'memory');
  const initial = (): AccountDraft => (account ? draftFrom(account)
    : { ...emptyDraft(), ...(props.prefill ? { server: props.prefill.server, username: props.prefill.username ?? '' } : {}) });
  // Edits put aside when this account's editor last went away unasked come back.
  const [restored] = useState(() => {
    const k = props.kept.current;
    if (k === null || k.accountId !== props.accountId) return undefined;
    props.kept.current = null;
    return k;
  });
  const [draft, setDraft] = useState<AccountDraft>(() => restored?.draft ?? initial());
  // What the form held when it was opened or last saved: the draft differs from it = unsaved edits.
  const [pristine, setPristine] = useState<AccountDraft>(() => restored?.pristine ?? (account ? draftFrom(account) : emptyDraft()));
  const [errors, setErrors] = useState<DraftErrors>({});
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(props.justSaved ? { text: 'Saved.', error: false } : null);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  // A new user needs four fields; the rest (codecs, caller ID, …) waits behind "More settings".
  const [more, setMore] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  useEffect(() => { if (account) setDraft((d) => ({ ...d, hasSecret: account.hasSecret })); }, [account?.hasSecret]);
  // A new account's editor is remounted under its new id as soon as the store has it; say "Saved." there.
  useEffect(() => { if (props.justSaved) setStatus({ text: 'Saved.', error: false }); }, [props.justSaved]);
  // "Saved." is news for a moment, not a state: it goes after a few seconds (and at the next edit).
  useEffect(() => {
    if (status?.text !== 'Saved.') return;
    const t = setTimeout(() => setStatus((s) => (s?.text === 'Saved.' ? null : s)), SAVED_SHOWN_MS);
    return () => clearTimeout(t);
  }, [status]);
  // The password was not kept: put the cursor where it is needed, each time the account is opened.
  useEffect(() => { if (account?.secretMissing) passwordRef.current?.focus(); }, [account?.id, props.openedAt]);
  const dirty = isDirty(draft, pristine);
  const label = account ? (account.label || account.username) : 'the new account';
  // The window asks this editor before it goes away (another account, a new one, another page).
  const ask = useRef<LeaveGuard>(() => true);
  /** The user settled the edits (saved them, or confirmed discarding them): nothing is put aside. */
  const settled = useRef(false);
  ask.current = () => {
    if (!dirty) return true;
    settled.current = confirm(`Discard your unsaved changes to ${label}?`);
    return settled.current;
  };
  const latest = useRef({ dirty, draft, pristine });
  latest.current = { dirty, draft, pristine };
  useEffect(() => {
    const guard: LeaveGuard = () => ask.current();
    props.leaveGuard.current = guard;
    return () => {
      if (props.leaveGuard.current === guard) props.leaveGuard.current = null;
      // Gone without the user deciding: keep the edits for when this editor opens again.
      const { dirty: unsaved, draft: d, pristine: p } = latest.current;
      if (unsaved && !settled.current) props.kept.current = { accountId: props.accountId, draft: d, pristine: p };
    };
  }, []);

  const set = <K extends keyof AccountDraft>(k: K, v: AccountDraft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    settled.current = false;
    if (errors[k]) setErrors((e) => ({ ...e, [k]: undefined }));
    setStatus(null);
  };
  const text = (k: 'label' | 'server' | 'username' | 'secret' | 'callerIdName' | 'callerIdNumber' | 'refreshSeconds' | 'voicemailNumber') =>
    (e: Event) => set(k, (e.currentTarget as HTMLInputElement).value);
  const aria = (k: keyof AccountDraft) => ({ 'aria-invalid': Boolean(errors[k]), 'aria-describedby': errors[k] ? `acct-${k}-err` : undefined });

  async function save(e: Event) {
    e.preventDefault();
    const found = validateDraft(draft);
    setErrors(found);
    if (Object.values(found).some(Boolean)) {
      setStatus({ text: 'Please correct the highlighted fields.', error: true });
      const first = Object.keys(found).find((k) => found[k as keyof DraftErrors]);
      if (first && ADVANCED_FIELDS.includes(first)) setMore(true);
      // After the re-render that shows the field.
      setTimeout(() => (document.getElementById(`acct-${first}`) as HTMLElement | null)?.focus(), 0);
      return;
    }
    setStatus({ text: 'Saving…', error: false });
    const res = await phone.saveAccount(inputFrom(draft));
    if (res.ok) {
      setStatus({ text: 'Saved.', error: false });
      const saved = { ...draftFrom(res.account), codecs: draft.codecs };
      setDraft(saved);
      setPristine(saved);
      ask.current = () => true; // saved: nothing to lose while the editor reopens under the account's id
      settled.current = true;
      props.onSaved(res.account.id);
    } else setStatus({ text: `Not saved: ${res.error}`, error: true });
  }

  const codecs = draft.codecs;
  const moveCodec = (from: number, to: number) => set('codecs', moveItem(codecs, from, to));
  const toggleCodec = (name: CodecName) => set('codecs', codecs.map((c) => (c.name === name ? { ...c, enabled: !c.enabled } : c)));

  return (
    <section class="card" aria-labelledby="acct-edit-title">
      <div class="editor-head">
        <h2 id="acct-edit-title">{account ? `Edit ${account.label || account.username}` : 'New account'}</h2>
        {/* Away from Save, and quiet until needed: deleting asks first. */}
        {account && <button type="button" class="btn small danger-outline" data-testid="delete-account"
          onClick={() => { if (confirm(`Delete account ${account.label || account.username}?`)) { ask.current = () => true; settled.current = true; void phone.deleteAccount(account.id).then(props.onDeleted); } }}>
          Delete account</button>}
      </div>
      {account && <RegDetail account={account} reg={reg} />}
      <form class="form" onSubmit={save} noValidate data-testid="account-form">
        <Field id="acct-label" label="Name" error={errors.label}>
          <input id="acct-label" class="input" value={draft.label} onInput={text('label')} placeholder="Office PBX" {...aria('label')} />
        </Field>
        <Field id="acct-server" label="Server" error={errors.server}>
          <input id="acct-server" class="input" value={draft.server} onInput={text('server')} placeholder="pbx.example.org or 192.0.2.10:4569"
            autoComplete="off" spellcheck={false} required {...aria('server')} />
        </Field>
        <Field id="acct-username" label="User name" error={errors.username}>
          <input id="acct-username" class="input" value={draft.username} onInput={text('username')} autoComplete="off" spellcheck={false} required {...aria('username')} />
        </Field>
        <Field id="acct-secret" label="Password" error={errors.secret}
          hint={draft.hasSecret ? 'A password is stored. Leave empty to keep it.' : undefined}>
          <input id="acct-secret" ref={passwordRef} class="input" type="password" value={draft.secret} onInput={text('secret')} autoComplete="new-password"
            placeholder={draft.hasSecret ? '•••••••• (stored)' : 'secret from iax.conf'} disabled={draft.forgetSecret} {...aria('secret')} />
        </Field>
        <span />
        <div class="row">
          <label class="row" title={canRemember ? undefined : 'No keychain here: passwords are kept only until Redial stops'}>
            <input type="checkbox" checked={canRemember && draft.rememberSecret} disabled={!canRemember} data-testid="acct-remember"
              onChange={() => set('rememberSecret', !draft.rememberSecret)} /> Remember password</label>
          {!canRemember && <span class="muted" style={{ fontSize: '12px' }}>Kept until Redial stops: there is no keychain here.</span>}
          {draft.hasSecret && <label class="row"><input type="checkbox" checked={draft.forgetSecret} onChange={() => set('forgetSecret', !draft.forgetSecret)} /> Forget stored password</label>}
        </div>
        <span />
        <div class="row">
          <label class="row"><input type="checkbox" checked={draft.register} onChange={() => set('register', !draft.register)} data-testid="acct-register" /> Register (receive calls)</label>
          <label class="row"><input type="checkbox" checked={draft.enabled} onChange={() => set('enabled', !draft.enabled)} /> Enabled</label>
        </div>
        <span />
        <div>
          <button type="button" class="btn small" aria-expanded={more} aria-controls="acct-more" onClick={() => setMore(!more)} data-testid="acct-more">
            {more ? '▾ Fewer settings' : '▸ More settings'}
          </button>
          {!more && <span class="muted" style={{ fontSize: '12px', marginLeft: '8px' }}>authentication, encryption, caller ID, codecs, refresh, voicemail</span>}
        </div>
        {more && (<>
        <Field id="acct-auth" label="Authentication">
          <select id="acct-auth" class="select" value={draft.auth} onChange={(e) => set('auth', (e.currentTarget as HTMLSelectElement).value as AuthChoice)}>
            {(Object.keys(AUTH_CHOICES) as AuthChoice[]).map((k) => <option key={k} value={k}>{AUTH_CHOICES[k].label}</option>)}
          </select>
        </Field>
        <Field id="acct-encryption" label="Encryption (AES-128)" error={errors.encryption} hint={ENCRYPTION_HINT}>
          <select id="acct-encryption" class="select" value={draft.encryption} data-testid="acct-encryption"
            onChange={(e) => set('encryption', (e.currentTarget as HTMLSelectElement).value as EncryptionMode)}
            {...aria('encryption')} aria-describedby={errors.encryption ? 'acct-encryption-err' : 'acct-encryption-hint'}>
            {(Object.keys(ENCRYPTION_CHOICES) as EncryptionMode[]).map((k) => <option key={k} value={k}>{ENCRYPTION_CHOICES[k]}</option>)}
          </select>
        </Field>
        <Field id="acct-callerIdName" label="Caller ID name" error={errors.callerIdName}>
          <input id="acct-callerIdName" class="input" value={draft.callerIdName} onInput={text('callerIdName')} {...aria('callerIdName')} />
        </Field>
        <Field id="acct-callerIdNumber" label="Caller ID number" error={errors.callerIdNumber}>
          <input id="acct-callerIdNumber" class="input" value={draft.callerIdNumber} onInput={text('callerIdNumber')} inputMode="tel" {...aria('callerIdNumber')} />
        </Field>
        <span id="acct-codecs-label" style={{ alignSelf: 'start', color: 'var(--muted)', fontSize: '13px' }}>Codecs (best first)</span>
        <div>
          <ul class="codec-list" aria-labelledby="acct-codecs-label" data-testid="codec-list">
            {codecs.map((c, i) => (
              <li key={c.name} class={`${c.enabled ? '' : 'disabled'} ${dragFrom === i ? 'dragging' : ''}`} draggable
                onDragStart={(e) => { setDragFrom(i); e.dataTransfer?.setData('text/plain', c.name); }}
                onDragOver={(e) => e.preventDefault()}
                onDrop={(e) => { e.preventDefault(); if (dragFrom !== null) moveCodec(dragFrom, i); setDragFrom(null); }}
                onDragEnd={() => setDragFrom(null)}>
                <span class="grip" aria-hidden="true">⠿</span>
                <label class="row codec-name"><input type="checkbox" checked={c.enabled} onChange={() => toggleCodec(c.name)} />{CODEC_LABELS[c.name]}</label>
                <button type="button" class="btn small" aria-label={`Move ${c.name} up`} disabled={i === 0} onClick={() => moveCodec(i, i - 1)}>↑</button>
                <button type="button" class="btn small" aria-label={`Move ${c.name} down`} disabled={i === codecs.length - 1} onClick={() => moveCodec(i, i + 1)}>↓</button>
              </li>
            ))}
          </ul>
          {errors.codecs && <span class="error-text" role="alert" style={{ fontSize: '12px' }}>{errors.codecs}</span>}
        </div>
        <Field id="acct-refreshSeconds" label="Refresh (s)" error={errors.refreshSeconds}>
          <input id="acct-refreshSeconds" class="input" style={{ maxWidth: '100px' }} value={draft.refreshSeconds} onInput={text('refreshSeconds')} inputMode="numeric" {...aria('refreshSeconds')} />
        </Field>
        <Field id="acct-voicemailNumber" label="Voicemail number" error={errors.voicemailNumber}>
          <input id="acct-voicemailNumber" class="input" style={{ maxWidth: '160px' }} value={draft.voicemailNumber} onInput={text('voicemailNumber')} placeholder="*97" {...aria('voicemailNumber')} />
        </Field>
        </>)}
        <div class="full row" style={{ marginTop: '6px' }}>
          <button type="submit" class="btn primary" data-testid="save-account">Save</button>
          {account?.register && account.enabled && !account.secretMissing && (
            <button type="button" class="btn" onClick={() => phone.refreshRegistration(account.id)} data-testid="register-now">Register now</button>
          )}
          {dirty && <span class="muted" data-testid="unsaved">Unsaved changes</span>}
          <span role="status" class={status?.error ? 'error-text' : 'muted'} data-testid="save-status">{status?.text ?? ''}</span>
          {/* Just saved and the server said yes: the next thing a new user wants is to make a call. */}
          {props.justSaved && reg?.status === 'registered' && props.onGoToPhone && (
            <button type="button" class="btn ok" onClick={props.onGoToPhone} data-testid="go-to-phone">Registered · go to Phone →</button>
          )}
        </div>
      </form>
    </section>
  );
}

/** The form differs from what was loaded or saved (the secret field counts once something is typed). */
function isDirty(d: AccountDraft, p: AccountDraft): boolean {
  const keys = Object.keys(d) as (keyof AccountDraft)[];
  return keys.some((k) => k !== 'hasSecret' && JSON.stringify(d[k]) !== JSON.stringify(p[k]));
}
