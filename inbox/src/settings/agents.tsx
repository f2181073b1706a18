import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { t } from '../i18n.ts';
import { restoreSession, session } from '../state.ts';
import { ConfirmDialog, CopyField, Dialog, announce, formatDateTime, loadAll, problemText, SettingsTable } from './ui.tsx';

export interface Agent {
  id: string;
  name: string;
  email: string;
  access: 'admin' | 'agent';
  inboxIds: string[] | null;
  onlyAssignedConversations: boolean;
  hasPassword: boolean;
}
interface Inbox {
  id: string;
  name: string;
}
interface Invitation {
  inviteUrl: string;
  expiresAt: string;
}

type Open =
  | { kind: 'create' }
  | { kind: 'edit'; agent: Agent }
  | { kind: 'delete'; agent: Agent }
  | { kind: 'invite'; agent: Agent; invitation: Invitation }
  | null;

/** Agents: who works in the workspace, their access and inboxes; invitations and deletion. */
export function Agents() {
  const agents = useSignal<Agent[] | null>(null);
  const inboxes = useSignal<Inbox[]>([]);
  const problem = useSignal<string | null>(null);
  const open = useSignal<Open>(null);
  const inviting = useSignal<string | null>(null);

  const reload = async () => {
    try {
      const [users, boxes] = await Promise.all([loadAll<Agent>('/api/v1/users'), loadAll<Inbox>('/api/v1/inboxes')]);
      agents.value = users;
      inboxes.value = boxes;
      problem.value = null;
    } catch (error) {
      problem.value = problemText(error);
    }
  };
  useEffect(() => {
    void reload();
  }, []);

  const invite = async (agent: Agent) => {
    inviting.value = agent.id;
    try {
      const invitation = await api<Invitation>('POST', `/api/v1/users/${encodeURIComponent(agent.id)}/invite`);
      open.value = { kind: 'invite', agent, invitation };
    } catch (error) {
      problem.value = problemText(error);
    } finally {
      inviting.value = null;
    }
  };

  const inboxNames = (agent: Agent) =>
    agent.inboxIds === null
      ? t('agentsAllInboxes')
      : agent.inboxIds.length === 0
        ? t('agentsNoInboxes')
        : agent.inboxIds.map((id) => inboxes.value.find((i) => i.id === id)?.name ?? id).join(', ');
  const me = session.value?.user.id;
  const list = agents.value;
  const current = open.value;

  return (
    <div class="settings-body">
      <SettingsTable
        intro={t('agentsIntro')}
        newLabel={t('agentsNew')}
        onNew={() => (open.value = { kind: 'create' })}
        problem={problem.value}
        list={list}
        caption={t('settingsAgents')}
        columns={[t('agentsName'), t('email'), t('agentsAccess'), t('agentsInboxes'), t('agentsSignIn')]}
      >
        {list?.map((agent) => (
          <tr key={agent.id}>
            <th scope="row">
              {agent.name}
              {agent.id === me && <span class="badge">{t('agentsYou')}</span>}
            </th>
            <td>{agent.email}</td>
            <td>{agent.access === 'admin' ? t('agentsAdmin') : t('agentsAgent')}</td>
            <td>
              {inboxNames(agent)}
              {agent.onlyAssignedConversations && <span class="hint"> · {t('agentsOnlyAssignedShort')}</span>}
            </td>
            <td>{agent.hasPassword ? t('agentsHasPassword') : t('agentsNoPassword')}</td>
            <td class="row-actions">
              <button type="button" onClick={() => (open.value = { kind: 'edit', agent })}>
                {t('settingsEdit')}
                <span class="visually-hidden"> {agent.name}</span>
              </button>
              <button type="button" disabled={inviting.value === agent.id} onClick={() => void invite(agent)}>
                {t('agentsInvite')}
                <span class="visually-hidden"> {agent.name}</span>
              </button>
              <button type="button" class="danger-text" onClick={() => (open.value = { kind: 'delete', agent })}>
                {t('settingsDelete')}
                <span class="visually-hidden"> {agent.name}</span>
              </button>
            </td>
          </tr>
        ))}
      </SettingsTable>
      {(current?.kind === 'create' || current?.kind === 'edit') && (
        <AgentForm
          agent={current.kind === 'edit' ? current.agent : null}
          inboxes={inboxes.value}
          onClose={() => (open.value = null)}
          onSaved={(saved, created) => {
            announce(created ? t('agentsCreated', { name: saved.name }) : t('settingsSaved'));
            // Your own access or name changed: the top bar and the sections follow.
            if (saved.id === me) void restoreSession();
            void reload();
            // A new agent without a password gets their invitation next.
            if (created && !saved.hasPassword) void invite(saved);
            else open.value = null;
          }}
        />
      )}
      {current?.kind === 'invite' && <InviteDialog agent={current.agent} invitation={current.invitation} onClose={() => (open.value = null)} />}
      {current?.kind === 'delete' && (
        <ConfirmDialog
          title={t('agentsDeleteTitle', { name: current.agent.name })}
          text={t('agentsDeleteText', { name: current.agent.name })}
          action={t('settingsDelete')}
          onClose={() => (open.value = null)}
          run={async () => {
            await api('DELETE', `/api/v1/users/${encodeURIComponent(current.agent.id)}`);
            announce(t('agentsDeleted', { name: current.agent.name }));
            await reload();
          }}
        />
      )}
    </div>
  );
}

function InviteDialog({ agent, invitation, onClose }: { agent: Agent; invitation: Invitation; onClose: () => void }) {
  return (
    <Dialog title={t('agentsInviteTitle', { name: agent.name })} onClose={onClose} wide>
      <p>{t('agentsInviteText', { email: agent.email })}</p>
      <CopyField id="invite-url" label={t('agentsInviteLink')} value={invitation.inviteUrl} />
      <p class="hint">{t('agentsInviteExpires', { date: formatDateTime(invitation.expiresAt) })}</p>
      <div class="dialog-actions">
        <button type="button" class="primary" onClick={onClose}>
          {t('settingsDone')}
        </button>
      </div>
    </Dialog>
  );
}

function AgentForm({
  agent,
  inboxes,
  onClose,
  onSaved,
}: {
  agent: Agent | null;
  inboxes: Inbox[];
  onClose: () => void;
  onSaved: (saved: Agent, created: boolean) => void;
}) {
  const name = useSignal(agent?.name ?? '');
  const email = useSignal(agent?.email ?? '');
  const access = useSignal<'admin' | 'agent'>(agent?.access ?? 'agent');
  const allInboxes = useSignal(agent ? agent.inboxIds === null : true);
  const chosen = useSignal<string[]>(agent?.inboxIds ?? []);
  const onlyAssigned = useSignal(agent?.onlyAssignedConversations ?? false);
  const busy = useSignal(false);
  const problem = useSignal<string | null>(null);
  const fieldProblems = useSignal<Record<string, string>>({});

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy.value) return;
    busy.value = true;
    problem.value = null;
    fieldProblems.value = {};
    const body = {
      name: name.value.trim(),
      email: email.value.trim(),
      access: access.value,
      inboxIds: allInboxes.value ? null : chosen.value,
      onlyAssignedConversations: onlyAssigned.value,
    };
    try {
      const saved = agent ? await api<Agent>('PATCH', `/api/v1/users/${encodeURIComponent(agent.id)}`, body) : await api<Agent>('POST', '/api/v1/users', body);
      onSaved(saved, agent === null);
    } catch (error) {
      busy.value = false;
      if (error instanceof ApiError && error.reason === 'email_taken') fieldProblems.value = { email: t('agentsEmailTaken') };
      else if (error instanceof ApiError && error.reason === 'last_admin') fieldProblems.value = { access: t('agentsLastAdmin') };
      else if (error instanceof ApiError && error.status === 400 && error.fields.email) fieldProblems.value = { email: t('agentsEmailInvalid') };
      else problem.value = problemText(error);
    }
  };
  const field = (id: string) => (fieldProblems.value[id] ? { 'aria-invalid': true as const, 'aria-describedby': `agent-${id}-problem` } : {});
  const fieldProblem = (id: string) =>
    fieldProblems.value[id] && (
      <p id={`agent-${id}-problem`} class="problem field-problem">
        {fieldProblems.value[id]}
      </p>
    );

  return (
    <Dialog title={agent ? t('agentsEditTitle', { name: agent.name }) : t('agentsNew')} onClose={onClose} wide>
      <form class="settings-form" onSubmit={submit}>
        <label for="agent-name">{t('agentsName')}</label>
        <input id="agent-name" required maxLength={255} value={name.value} onInput={(e) => (name.value = (e.currentTarget as HTMLInputElement).value)} />
        <label for="agent-email">{t('email')}</label>
        <input
          id="agent-email"
          type="email"
          required
          maxLength={254}
          autocomplete="off"
          value={email.value}
          onInput={(e) => (email.value = (e.currentTarget as HTMLInputElement).value)}
          {...field('email')}
        />
        {fieldProblem('email')}
        <fieldset {...field('access')}>
          <legend>{t('agentsAccess')}</legend>
          <label class="choice">
            <input type="radio" name="agent-access" value="agent" checked={access.value === 'agent'} onChange={() => (access.value = 'agent')} />
            <span>
              {t('agentsAgent')} <span class="hint">{t('agentsAgentHint')}</span>
            </span>
          </label>
          <label class="choice">
            <input type="radio" name="agent-access" value="admin" checked={access.value === 'admin'} onChange={() => (access.value = 'admin')} />
            <span>
              {t('agentsAdmin')} <span class="hint">{t('agentsAdminHint')}</span>
            </span>
          </label>
          {fieldProblem('access')}
        </fieldset>
        <fieldset>
          <legend>{t('agentsInboxes')}</legend>
          <label class="choice">
            <input type="checkbox" checked={allInboxes.value} onChange={(e) => (allInboxes.value = (e.currentTarget as HTMLInputElement).checked)} />
            <span>{t('agentsAllInboxesChoice')}</span>
          </label>
          {!allInboxes.value &&
            inboxes.map((inbox) => (
              <label class="choice nested" key={inbox.id}>
                <input
                  type="checkbox"
                  checked={chosen.value.includes(inbox.id)}
                  onChange={(e) => {
                    const on = (e.currentTarget as HTMLInputElement).checked;
                    chosen.value = on ? [...chosen.value, inbox.id] : chosen.value.filter((id) => id !== inbox.id);
                  }}
                />
                <span>{inbox.name}</span>
              </label>
            ))}
          <label class="choice">
            <input type="checkbox" checked={onlyAssigned.value} onChange={(e) => (onlyAssigned.value = (e.currentTarget as HTMLInputElement).checked)} />
            <span>{t('agentsOnlyAssigned')}</span>
          </label>
        </fieldset>
        {problem.value && (
          <p class="problem" role="alert">
            {problem.value}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('settingsCancel')}
          </button>
          <button type="submit" class="primary" disabled={busy.value}>
            {agent ? t('settingsSave') : t('agentsCreate')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
