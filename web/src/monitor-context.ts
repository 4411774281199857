import type { ApiClient } from './api-client.js';
import type { Session } from './session.js';

/** What every panel is given: the API, who is signed in, the chosen target cloud and a way to report. */
export interface MonitorContext {
  api: ApiClient;
  session: Session;
  cloud: string;
  notify(message: string, level?: 'info' | 'error'): void;
  /** Asks the panels that depend on mappings and readiness to load again (after a change made here). */
  planningChanged(): void;
  /** Opens the VM details panel. */
  showVm(id: string): void;
  /** Starts the Layer 1 engine for one VM (the migration panel owns the form and the cards). */
  migrate(vm: string, mode: 'COLD' | 'WARM'): Promise<void>;
}

/** A mutating button: disabled with a reason for an analyst, busy while its action runs, errors reported. */
export function guardButton(
  ctx: MonitorContext,
  button: HTMLButtonElement,
  action: () => Promise<void>,
): HTMLButtonElement {
  if (!ctx.session.canMutate) {
    button.disabled = true;
    button.title = `needs the agent role (signed in as ${ctx.session.role})`;
    return button;
  }
  button.addEventListener('click', () => {
    if (button.disabled) return;
    button.disabled = true;
    button.classList.add('busy');
    action()
      .catch((error: unknown) => ctx.notify(error instanceof Error ? error.message : String(error), 'error'))
      .finally(() => {
        button.disabled = false;
        button.classList.remove('busy');
      });
  });
  return button;
}
