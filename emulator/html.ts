/** Plain, accessible HTML for the emulator's login and consent pages. Everything echoed is escaped. */

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const STYLE = `
body{font-family:system-ui,sans-serif;background:#f5f5f5;margin:0;color:#191919}
main{max-width:420px;margin:48px auto;background:#fff;padding:32px;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.4rem;margin:0 0 8px}
p.note{color:#555;font-size:.9rem}
label{display:block;margin:16px 0 4px;font-weight:600}
input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:10px;border:1px solid #bbb;border-radius:6px;font-size:1rem}
button{margin-top:20px;padding:10px 18px;border:0;border-radius:6px;font-size:1rem;cursor:pointer}
button.primary{background:#fee500;color:#191919}
button.secondary{background:#e5e5e5;color:#191919;margin-left:8px}
.error{color:#b00020;font-weight:600}
ul{padding-left:20px}
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export function loginPage(p: { requestId: string; appName: string; flowLabel: string; error?: string; email?: string }): string {
  const err = p.error ? `<p class="error" role="alert">${escapeHtml(p.error)}</p>` : "";
  return page(
    "Kakao Account Login (emulator)",
    `<h1>Log in with your Kakao Account</h1>
<p class="note">${escapeHtml(p.appName)} wants to connect (${escapeHtml(p.flowLabel)}). This is the Kakao emulator.</p>
${err}
<form method="post" action="/oauth/login">
<input type="hidden" name="request" value="${escapeHtml(p.requestId)}">
<label for="email">E-mail</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(p.email ?? "")}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" class="primary">Log In</button>
</form>`,
  );
}

const SCOPE_LABELS: Record<string, string> = {
  moment_management: "Manage your Kakao Moment ad accounts (read)",
  moment_create: "Create and edit Kakao Moment resources",
  moment_delete: "Delete Kakao Moment resources",
  profile_nickname: "Nickname",
  account_email: "E-mail address",
};

export function consentPage(p: { requestId: string; appName: string; email: string; scopes: string[] }): string {
  const items = p.scopes
    .map((s) => `<li><code>${escapeHtml(s)}</code> — ${escapeHtml(SCOPE_LABELS[s] ?? s)}</li>`)
    .join("\n");
  return page(
    "Consent (emulator)",
    `<h1>Allow ${escapeHtml(p.appName)}?</h1>
<p class="note">Logged in as ${escapeHtml(p.email)}.</p>
<p id="scopes-heading">${escapeHtml(p.appName)} asks for:</p>
<ul aria-labelledby="scopes-heading">
${items}
</ul>
<form method="post" action="/oauth/consent">
<input type="hidden" name="request" value="${escapeHtml(p.requestId)}">
<button type="submit" name="decision" value="agree" class="primary">Agree</button>
<button type="submit" name="decision" value="cancel" class="secondary">Cancel</button>
</form>`,
  );
}

export function errorPage(p: { title: string; code: string; message: string }): string {
  return page(
    `${p.title} (emulator)`,
    `<h1>${escapeHtml(p.title)}</h1>
<p class="error" role="alert">Error code: <span data-error-code="${escapeHtml(p.code)}">${escapeHtml(p.code)}</span></p>
<p>${escapeHtml(p.message)}</p>`,
  );
}
