/**
 * A sign-in flow shaped like the one head_examples_supabase_login.json was recorded on, except
 * that the home page's link now reads "Log in" where the recording expects "Sign in": the
 * recorded locator is broken on purpose, as after a site redesign.
 */
export const ACCOUNT = { email: 'ops@example.com', password: 'correct horse battery staple' };

const home = `<!doctype html><title>Supabase | The Postgres Development Platform</title>
<nav><a href="/docs">Docs</a> <a href="/pricing">Pricing</a> <a href="/dashboard/sign-in">Log in</a> <a href="/dashboard/sign-up">Start your project</a></nav>
<main><h1>Build in a weekend. Scale to millions.</h1></main>`;

const signIn = `<!doctype html><title>Sign in | Supabase</title>
<main><h1>Welcome back</h1><p>Sign in to your account</p>
<form method="post" action="/dashboard/sign-in">
  <label>Email <input type="email" name="email"></label>
  <label>Password <input type="password" name="password"></label>
  <button type="submit">Sign in</button>
</form></main>`;

const projects = `<!doctype html><title>Projects | Supabase</title>
<main><h1>Projects</h1><p>Signed in as ${ACCOUNT.email}</p><ul><li>billing-portal</li><li>claims-intake</li></ul></main>`;

const rejected = `<!doctype html><title>Sign in | Supabase</title>
<main><h1>Welcome back</h1><p role="alert">Invalid login credentials</p></main>`;

export const signInPages: Record<string, string> = { '/': home, '/dashboard/sign-in': signIn, '/dashboard/projects': projects, '/dashboard/rejected': rejected };

/** The form posts here; a right password lands on the projects page, a wrong one on the error. */
export function signInResult(body: string): string {
  const form = new URLSearchParams(body);
  return form.get('email') === ACCOUNT.email && form.get('password') === ACCOUNT.password ? '/dashboard/projects' : '/dashboard/rejected';
}
