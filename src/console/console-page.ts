/**
 * The console's one page. Static markup only: the script (assets/console.js, compiled from
 * client/) fills it in from GraphQL, so nothing in it depends on the request.
 */
export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>aircall-sync · admin</title>
<link rel="icon" href="/admin/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/admin/assets/console.css">
<script type="module" src="/admin/assets/console.js"></script>
</head>
<body>
<header class="topbar">
  <h1>aircall-sync <span>admin</span></h1>
  <div class="topbar-actions"><button id="refresh" type="button" class="ghost" hidden>Refresh</button><button id="sign-out" type="button" class="ghost" hidden>Sign out</button></div>
</header>
<main>
  <section id="sign-in" class="panel narrow" hidden>
    <h2>Sign in</h2>
    <p>Paste an <strong>ADMIN</strong> API key: the service's <code>ADMIN_API_KEY</code>, or one made here. It is kept in this browser tab only, and forgotten when the tab closes.</p>
    <form id="sign-in-form" class="stack" autocomplete="off">
      <label for="sign-in-key">API key</label>
      <input id="sign-in-key" name="key" type="password" required spellcheck="false" autocomplete="off">
      <button type="submit" class="primary">Sign in</button>
    </form>
    <p id="sign-in-status" class="status" role="status" aria-live="polite"></p>
  </section>

  <div id="app" hidden>
    <nav class="jump" aria-label="Sections"><a href="#accounts">Accounts</a><a href="#syncs">Syncs</a><a href="#inbox">Inbox</a><a href="#keys">API keys</a></nav>
    <p id="status-line" class="status-line" role="status" aria-live="polite">Loading…</p>

    <section id="accounts" class="panel">
      <h2>Accounts</h2>
      <div id="account-list" class="cards"></div>
      <div class="connect">
        <h3>Connect an account</h3>
        <p class="muted">With an Aircall API key (Company Settings → API Keys). The same company connected again keeps its account and data.</p>
        <form id="connect-form" class="grid-form" autocomplete="off">
          <label for="connect-api-id">API ID</label>
          <input id="connect-api-id" name="apiId" required spellcheck="false" autocomplete="off">
          <label for="connect-api-token">API token</label>
          <input id="connect-api-token" name="apiToken" type="password" required spellcheck="false" autocomplete="off">
          <button type="submit" class="primary">Connect</button>
        </form>
        <p id="connect-status" class="status" role="status" aria-live="polite"></p>
        <p class="muted">Or, for a Technology Partner app: <a class="button" href="/oauth/install">Install through Aircall (OAuth)</a></p>
      </div>
    </section>

    <section id="syncs" class="panel">
      <h2>Syncs</h2>
      <h3>Running now</h3>
      <div id="running-runs"></div>
      <h3>Recent runs</h3>
      <div id="recent-runs"></div>
    </section>

    <section id="inbox" class="panel">
      <h2>Inbox</h2>
      <div class="tabs" role="group" aria-label="Inbox status">
        <button type="button" data-inbox-tab="FAILED">failed</button>
        <button type="button" data-inbox-tab="QUARANTINED">quarantined</button>
        <button type="button" data-inbox-tab="PENDING">pending</button>
      </div>
      <p id="inbox-words" class="muted"></p>
      <div id="inbox-list"></div>
      <div class="actions"><button id="replay-selected" type="button" class="primary" disabled>Replay selected</button><button id="replay-all" type="button">Replay all</button></div>
    </section>

    <section id="keys" class="panel">
      <h2>API keys</h2>
      <div id="new-key" class="new-key" role="alert" hidden></div>
      <form id="key-form" class="grid-form" autocomplete="off">
        <label for="key-name">Name</label>
        <input id="key-name" name="name" required maxlength="128" placeholder="who uses it, e.g. BI dashboard">
        <label for="key-role">Role</label>
        <select id="key-role" name="role"><option value="READER">reader: queries only</option><option value="ADMIN">admin: everything</option></select>
        <fieldset id="key-scope" class="scope"><legend>Accounts it may read (none ticked: every account)</legend><div id="key-accounts"></div></fieldset>
        <button type="submit" class="primary">Create key</button>
      </form>
      <p id="key-status" class="status" role="status" aria-live="polite"></p>
      <div id="key-list"></div>
    </section>
  </div>
</main>
<div id="toasts" class="toasts" aria-live="polite"></div>
<dialog id="confirm" class="confirm"></dialog>
</body>
</html>
`;

/** A green dot, so the browser's favicon request is answered by the service too. */
export const CONSOLE_FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#0b7a5a"/></svg>
`;

/** Served instead when `npm run build` did not compile the browser scripts. */
export function consoleUnbuiltPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>aircall-sync · admin</title></head>
<body><h1>The admin console is not built</h1><p>Run <code>npm run build</code> (it compiles src/console/client) and restart the service.</p></body></html>
`;
}
