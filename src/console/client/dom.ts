/** Builds elements with text nodes only (never HTML from data), so nothing the service stores can inject markup. */

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  attrs?: Record<string, string>;
  onClick?: () => void;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class) element.className = props.class;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  const onClick = props.onClick;
  if (onClick) element.addEventListener('click', () => onClick());
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'number' ? String(child) : child);
  }
  return element;
}

export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`the page lacks #${id}`);
  return element;
}

/** Replaces an element's children, unless they were drawn from the same data (keeps focus and clicks in place). */
export function draw(container: HTMLElement, signature: string, ...children: Child[]): void {
  if (container.dataset.signature === signature) return;
  container.dataset.signature = signature;
  container.replaceChildren(
    ...children
      .filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false)
      .map((c) => (typeof c === 'number' ? String(c) : c)),
  );
}

/** A button; `busy` disables it while its action runs so a double click does nothing twice. */
export function button(label: string, action: () => Promise<void> | void, className = ''): HTMLButtonElement {
  const element = h('button', { class: className, attrs: { type: 'button' } }, label);
  element.addEventListener('click', () => {
    element.disabled = true;
    void Promise.resolve()
      .then(action)
      .finally(() => {
        element.disabled = false;
      });
  });
  return element;
}

/** 2 Dec, 07:15 in the browser's zone, with the exact instant as the tooltip. */
export function when(iso: string | null | undefined, fallback = 'never'): HTMLElement | string {
  if (!iso) return fallback;
  const date = new Date(iso);
  return h(
    'time',
    { attrs: { datetime: iso, title: date.toISOString() } },
    date.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }),
  );
}

/** "about 3 min" for a span of milliseconds. */
export function span(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min`;
  return `${Math.round(m / 6) / 10} h`;
}
