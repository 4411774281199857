import { ApiClient, type ConnectionState } from './api-client.js';
import { DependencyGraph } from './dependency-graph.js';
import { fill, h } from './dom.js';
import { EstatePanel, type CloudFacts } from './estate-panel.js';
import { FleetPanel } from './fleet-panel.js';
import { MigrationPanel } from './migration-panel.js';
import type { MonitorContext } from './monitor-context.js';
import { NetworkPanel } from './network-panel.js';
import { CLOUDS } from './queries.js';
import { clearSession, loadSession, saveSession, sessionFromToken, type Session } from './session.js';
import { VmDetails } from './vm-details.js';

const root = document.getElementById('app')!;
const notices = h('div', { class: 'notices', testid: 'notices', 'aria-live': 'polite' });

function notify(message: string, level: 'info' | 'error' = 'info'): void {
  const note = h(
    'div',
    { class: `notice ${level}`, testid: level === 'error' ? 'notice-error' : 'notice' },
    message,
  );
  notices.append(note);
  setTimeout(() => note.remove(), level === 'error' ? 15_000 : 6000);
}

function signIn(error?: string): void {
  const input = h('textarea', {
    testid: 'token-input',
    rows: 5,
    placeholder: 'eyJhbGciOi…',
    'aria-label': 'JWT',
  });
  const message = h('p', { class: 'error', testid: 'sign-in-error' }, error ?? '');
  const form = h(
    'form',
    { class: 'panel sign-in', testid: 'sign-in' },
    h('h1', {}, 'FFO Twin · Migration Monitor'),
    h('p', {}, 'Paste a token (', h('code', {}, 'ffo token --role analyst|agent|admin'), ').'),
    input,
    message,
    h('button', { type: 'submit', testid: 'sign-in-button' }, 'Sign in'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    try {
      const session = sessionFromToken(input.value);
      saveSession(session);
      void open(session);
    } catch (e) {
      message.textContent = (e as Error).message;
    }
  });
  fill(root, form, notices);
  input.focus();
}

async function open(session: Session): Promise<void> {
  const status = h('span', { class: 'connection connecting', testid: 'connection-status' }, 'connecting');
  let migrations: MigrationPanel | null = null;
  const onConnection = (state: ConnectionState, wasRetry: boolean): void => {
    status.textContent = state;
    status.className = `connection ${state}`;
    status.dataset.state = state;
    // Events may have been missed while the server was away: read the state again once back.
    if (state === 'connected' && wasRetry) void migrations?.resync().catch(() => undefined);
  };
  const api = new ApiClient(session.token, onConnection);
  let clouds: CloudFacts[];
  try {
    ({ clouds } = await api.request<{ clouds: CloudFacts[] }>(CLOUDS));
  } catch (error) {
    await api.close();
    clearSession();
    signIn((error as Error).message);
    return;
  }
  const wanted = new URLSearchParams(location.search).get('cloud');
  const cloud = clouds.find((c) => c.name === wanted) ?? clouds[0] ?? null;
  const signOut = h('button', { class: 'secondary', testid: 'sign-out' }, 'Sign out');
  signOut.addEventListener('click', () => {
    clearSession();
    void api.close();
    location.reload();
  });
  const cloudSelect = h(
    'select',
    { testid: 'cloud-select', 'aria-label': 'target cloud' },
    ...clouds.map((c) => h('option', { value: c.name, selected: c === cloud }, c.name)),
  );
  cloudSelect.addEventListener('change', () => {
    const url = new URL(location.href);
    url.searchParams.set('cloud', cloudSelect.value);
    location.href = url.href;
  });
  const header = h(
    'header',
    { class: 'top' },
    h('h1', {}, 'Migration Monitor'),
    h('span', { class: 'muted' }, 'target'),
    cloudSelect,
    status,
    h(
      'span',
      { class: `role role-${session.role}`, testid: 'session-role' },
      `${session.subject} · ${session.role}`,
    ),
    signOut,
  );
  if (!cloud) {
    fill(
      root,
      header,
      h('p', { class: 'panel error' }, 'No target cloud has been discovered yet (ffo discover-target).'),
      notices,
    );
    return;
  }

  const ctx: MonitorContext = {
    api,
    session,
    cloud: cloud.name,
    notify,
    planningChanged: () => {
      void networks.load();
      void estate.load();
    },
    showVm: (id) => void details.show(id),
    migrate: (vm, mode) => migrations!.start(vm, mode),
  };
  const estate = new EstatePanel(ctx, cloud);
  const networks = new NetworkPanel(ctx);
  migrations = new MigrationPanel(ctx);
  const fleets = new FleetPanel(ctx);
  const details = new VmDetails(ctx);
  migrations.onUnknownMigration = () => void fleets.load().catch(() => undefined);
  const graph = new DependencyGraph(ctx);
  fill(
    root,
    header,
    session.canMutate
      ? null
      : h(
          'p',
          { class: 'readonly', testid: 'read-only-banner' },
          'Signed in as an analyst: everything is visible, nothing can be changed.',
        ),
    h(
      'main',
      {},
      estate.element,
      networks.element,
      migrations.element,
      fleets.element,
      h('div', { class: 'graph-row' }, graph.element, details.element),
    ),
    notices,
  );
  const report = (what: string) => (error: unknown) =>
    notify(`${what}: ${(error as Error).message}`, 'error');
  await Promise.all([
    estate.load().catch(report('estate')),
    networks.load().catch(report('networks')),
    migrations.load().catch(report('migrations')),
    fleets.load().catch(report('fleets')),
    graph.loadOptions().catch(report('graph filters')),
  ]);
  document.body.dataset.ready = 'true';
}

const session = loadSession();
if (session) void open(session);
else signIn();
