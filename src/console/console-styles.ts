/** The console's stylesheet (served as /admin/assets/console.css): readable from a 320 px phone up. */
export const CONSOLE_STYLES = `
:root {
  --bg: #f4f5f7; --panel: #fff; --text: #1d2330; --muted: #5d6675; --line: #dde1e7;
  --accent: #0b7a5a; --accent-text: #fff; --danger: #b42318; --warn: #a15c00;
  --ok-bg: #e7f6ef; --err-bg: #fdecea; --warn-bg: #fff4e0; --radius: 8px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--text);
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); line-height: 1.45; font-size: 15px; }
[hidden] { display: none !important; }
h1 { font-size: 1.15rem; margin: 0; } h1 span { font-weight: 400; color: #b9e4d4; }
h2 { font-size: 1.2rem; margin: 0 0 .75rem; } h3 { font-size: 1rem; margin: 1rem 0 .5rem; }
p { margin: .35rem 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
a { color: var(--accent); }
.topbar { display: flex; align-items: center; justify-content: space-between; gap: .5rem; padding: .75rem 1rem; background: #12352b; color: #fff; position: sticky; top: 0; z-index: 5; }
.topbar-actions { display: flex; gap: .5rem; }
main { max-width: 1100px; margin: 0 auto; padding: 1rem; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 1rem; margin-bottom: 1rem; min-width: 0; }
.panel.narrow { max-width: 520px; margin: 2rem auto; }
.jump { display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin-bottom: .25rem; }
.status-line { color: var(--muted); font-size: .85rem; margin: 0 0 .75rem; }
.muted { color: var(--muted); } .small { font-size: .85rem; }
.empty { color: var(--muted); font-style: italic; }
.status { min-height: 1.2em; color: var(--danger); }
button, .button { white-space: nowrap; font: inherit; border: 1px solid var(--line); background: #fff; color: var(--text); border-radius: 6px; padding: .45rem .8rem; cursor: pointer; text-decoration: none; display: inline-block; min-height: 2.4rem; line-height: 1.4; }
button:hover, .button:hover { border-color: #aab2bf; }
button:disabled { opacity: .55; cursor: default; }
button.primary, .button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); }
button.danger { color: var(--danger); border-color: #e8b4ae; }
.problem button, .problem .button { white-space: normal; }
.problem button.primary, .problem .button.primary { margin-top: .35rem; }
button.ghost { background: transparent; color: #fff; border-color: #4c7a6b; }
input, select { font: inherit; padding: .45rem .6rem; border: 1px solid #c3c9d3; border-radius: 6px; width: 100%; min-width: 0; background: #fff; min-height: 2.4rem; }
input[type=checkbox] { width: 1.1rem; height: 1.1rem; min-height: 0; margin: 0; }
.stack { display: grid; gap: .5rem; }
.grid-form { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .5rem .75rem; align-items: center; max-width: 640px; }
.grid-form > button, .grid-form > fieldset { grid-column: 1 / -1; justify-self: start; }
.grid-form > fieldset { justify-self: stretch; }
fieldset.scope { border: 1px solid var(--line); border-radius: 6px; margin: 0; padding: .5rem .75rem; }
fieldset.scope legend { font-size: .9rem; color: var(--muted); }
.check { display: inline-flex; align-items: center; gap: .4rem; margin-right: 1rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: .75rem; }
.card { border: 1px solid var(--line); border-radius: var(--radius); padding: .75rem; min-width: 0; }
.card-head { display: flex; justify-content: space-between; align-items: center; gap: .5rem; }
.card-head h3 { margin: 0; overflow-wrap: anywhere; }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .15rem .75rem; margin: .5rem 0; font-size: .9rem; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; overflow-wrap: anywhere; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .5rem; }
.badge { display: inline-block; font-size: .75rem; padding: .05rem .5rem; border-radius: 999px; background: #eef0f3; color: var(--muted); white-space: nowrap; }
.badge-active, .badge-succeeded { background: var(--ok-bg); color: #0b5e45; }
.badge-needs_reauth, .badge-failed, .badge-revoked { background: var(--err-bg); color: var(--danger); }
.badge-uninstalled, .badge-disconnected { background: #eef0f3; color: var(--muted); }
.badge-running, .badge-queued { background: #e6f0fb; color: #1c5aa6; }
.badge-admin { background: #efe9fb; color: #5b34a8; }
.problem { border-radius: 6px; padding: .5rem .65rem; margin: .5rem 0; }
.problem-error { background: var(--err-bg); color: #7a1a12; }
.problem-warning { background: var(--warn-bg); color: #6b3d00; }
.progress { margin: .35rem 0; }
.bar { height: .75rem; background: #e3e7ec; border-radius: 999px; overflow: hidden; position: relative; }
.bar-fill { height: 100%; width: 0; background: var(--accent); border-radius: 999px; transition: width .6s ease; }
.bar-failed .bar-fill { background: var(--danger); }
.bar.indeterminate .bar-fill { width: 35%; position: absolute; animation: slide 1.4s ease-in-out infinite; }
@keyframes slide { from { left: -35%; } to { left: 100%; } }
@media (prefers-reduced-motion: reduce) { .bar-failed .bar-fill { background: var(--danger); }
.bar.indeterminate .bar-fill { animation: none; width: 100%; opacity: .35; } }
.progress-words { font-size: .85rem; color: var(--muted); margin: .25rem 0 0; }
ul.runs, ul.events, ul.keys { list-style: none; padding: 0; margin: 0; }
.run, .event, .key { border-top: 1px solid var(--line); padding: .6rem 0; min-width: 0; }
.run:first-child, .event:first-child, .key:first-child { border-top: 0; }
.run-head { display: flex; justify-content: space-between; gap: .5rem; align-items: baseline; }
.run-head strong { overflow-wrap: anywhere; }
.run-failed .muted:first-of-type { color: var(--danger); }
.event { display: flex; gap: .75rem; align-items: flex-start; }
.event-pick { padding-top: .2rem; }
.event-body { min-width: 0; flex: 1; overflow-wrap: anywhere; }
.event-error { color: var(--danger); font-size: .9rem; }
.key { display: flex; justify-content: space-between; align-items: center; gap: .75rem; }
.key-body { min-width: 0; overflow-wrap: anywhere; }
.key.revoked .key-body { opacity: .6; }
.tabs { display: flex; flex-wrap: wrap; gap: .35rem; margin-bottom: .5rem; }
.tabs button[aria-pressed=true] { background: #12352b; color: #fff; border-color: #12352b; }
.new-key { border: 2px solid var(--warn); background: var(--warn-bg); border-radius: var(--radius); padding: .75rem; margin-bottom: 1rem; }
.new-key .warning { font-weight: 600; color: #6b3d00; }
.secret-row { display: flex; gap: .5rem; margin: .5rem 0; }
.secret { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.toasts { position: fixed; right: 1rem; bottom: 1rem; display: grid; gap: .5rem; z-index: 10; width: min(420px, calc(100vw - 2rem)); }
.toast { display: flex; justify-content: space-between; align-items: flex-start; gap: .5rem; padding: .6rem .75rem; border-radius: 6px; box-shadow: 0 4px 14px rgba(0,0,0,.15); background: #fff; border-left: 4px solid var(--accent); overflow-wrap: anywhere; }
.toast-error { border-left-color: var(--danger); background: #fff7f6; }
.toast-info { border-left-color: #1c5aa6; }
.toast-close { border: 0; background: transparent; padding: 0 .25rem; min-height: 0; font-size: 1.1rem; line-height: 1; }
.confirm { border: 0; border-radius: var(--radius); padding: 1rem 1.25rem; width: min(460px, calc(100vw - 2rem)); box-shadow: 0 10px 40px rgba(0,0,0,.3); }
.confirm::backdrop { background: rgba(15, 23, 35, .45); }
.confirm h3 { margin-top: 0; }
.confirm .actions { justify-content: flex-end; }
.danger-text { color: var(--danger); margin: .5rem 0; }
@media (max-width: 600px) {
  main { padding: .5rem; }
  .topbar { padding: .5rem .75rem; }
  .topbar h1 { font-size: 1rem; }
  .topbar button { padding: .3rem .6rem; min-height: 2.2rem; }
  .panel { padding: .75rem; }
  .cards { grid-template-columns: minmax(0, 1fr); }
  .grid-form { grid-template-columns: minmax(0, 1fr); }
  .grid-form > button { justify-self: stretch; }
  .key { flex-direction: column; align-items: stretch; }
  .secret-row { flex-direction: column; }
}
`;
