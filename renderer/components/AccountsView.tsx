// Accounts: the list (with live registration status) and the editor for one account.
import { useEffect, useState } from 'preact/hooks';
import type { CodecName, EncryptionMode } from '../../electron/shared/api.js';
import {
  AUTH_CHOICES, CODEC_LABELS, ENCRYPTION_CHOICES, ENCRYPTION_HINT, draftFrom, emptyDraft, inputFrom, moveItem, validateDraft,
  type AccountDraft, type AuthChoice, type DraftErrors,
} from '../lib/account-form.js';
import { usePhone, useStore } from '../state/context.js';
import { RegDetail, regShort } from './RegistrationStatus.js';

export function AccountsView(props: { selectedId: string | null; onSelect: (id: string | null) => void; onGoToPhone?: () => void }) {
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
              <button type="button" aria-current={a.id === props.selectedId ? 'true' : 'false'} onClick={() => props.onSelect(a.id)}>
                <span class="acct-name">{a.label || a.username}</span>
                <span class="muted">{a.username}@{a.server}</span>
                <span class={`acct-status ${registrations[a.id]?.status === 'failed' ? 'error-text' : 'muted'}`}>
                  {regShort(registrations[a.id], a)}
                </span>
              </button>
            </li>
          ))}
        </ul>
        <button type="button" class="btn" onClick={() => props.onSelect(null)} data-testid="add-account">+ Add account</button>
      </section>
      <AccountEditor key={selected?.id ?? 'new'} accountId={selected?.id ?? null} justSaved={justSaved !== null && justSaved === selected?.id}
        onSaved={(id) => { setJustSaved(id); props.onSelect(id); }} {...(props.onGoToPhone ? { onGoToPhone: props.onGoToPhone } : {})} />
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

function AccountEditor(props: { accountId: string | null; justSaved: boolean; onSaved: (id: string) => void; onGoToPhone?: () => void }) {
  const phone = usePhone();
  const account = useStore((s) => s.accounts.find((a) => a.id === props.accountId));
  const reg = useStore((s) => (props.accountId ? s.registrations[props.accountId] : undefined));
  const [draft, setDraft] = useState<AccountDraft>(() => (account ? draftFrom(account) : emptyDraft()));
  const [errors, setErrors] = useState<DraftErrors>({});
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(props.justSaved ? { text: 'Saved.', error: false } : null);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  // A new user needs four fields; the rest (codecs, caller ID, …) waits behind "More settings".
  const [more, setMore] = useState(false);
  useEffect(() => { if (account) setDraft((d) => ({ ...d, hasSecret: account.hasSecret })); }, [account?.hasSecret]);
  // A new account's editor is remounted under its new id as soon as the store has it; say "Saved." there.
  useEffect(() => { if (props.justSaved) setStatus({ text: 'Saved.', error: false }); }, [props.justSaved]);

  const set = <K extends keyof AccountDraft>(k: K, v: AccountDraft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
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
      setDraft((d) => ({ ...draftFrom(res.account), codecs: d.codecs }));
      props.onSaved(res.account.id);
    } else setStatus({ text: `Not saved: ${res.error}`, error: true });
  }

  const codecs = draft.codecs;
  const moveCodec = (from: number, to: number) => set('codecs', moveItem(codecs, from, to));
  const toggleCodec = (name: CodecName) => set('codecs', codecs.map((c) => (c.name === name ? { ...c, enabled: !c.enabled } : c)));

  return (
    <section class="card" aria-labelledby="acct-edit-title">
      <h2 id="acct-edit-title">{account ? `Edit ${account.label || account.username}` : 'New account'}</h2>
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
          <input id="acct-secret" class="input" type="password" value={draft.secret} onInput={text('secret')} autoComplete="new-password"
            placeholder={draft.hasSecret ? '•••••••• (stored)' : 'secret from iax.conf'} disabled={draft.forgetSecret} {...aria('secret')} />
        </Field>
        <span />
        <div class="row">
          <label class="row"><input type="checkbox" checked={draft.rememberSecret} onChange={() => set('rememberSecret', !draft.rememberSecret)} /> Remember password</label>
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
          {account && <button type="button" class="btn" onClick={() => phone.refreshRegistration(account.id)}>Register now</button>}
          {account && <button type="button" class="btn danger" onClick={() => { if (confirm(`Delete account ${account.label || account.username}?`)) void phone.deleteAccount(account.id); }}>Delete</button>}
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
