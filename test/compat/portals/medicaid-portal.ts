/**
 * A provider portal shaped like the one head_examples_peachstate_medicaid.json was recorded on:
 * a two-step sign-in, a plan picker, a member search with a custom combobox that opens the
 * member in a new tab, and an authorizations table with a page per authorization. The plan
 * page's button now reads "Search" where the recording expects "GO": broken on purpose.
 */
export const MEMBER = { username: 'office@clinic.example', password: 'Winter-2026!', plan: 'PeachCare for Kids', memberId: 'GA77120934', dob: '04/12/2015' };

export const AUTHORIZATIONS = [
  {
    'Auth Nbr': 'A2612-0041',
    'Auth Status': 'Approved',
    'Auth Type': 'Outpatient',
    'Service Type': 'Physical Therapy',
    'Start Date': '11/01/2026',
    'End Date': '01/31/2027',
    'Units Required': '12',
    'Units Approved': '12',
  },
  {
    'Auth Nbr': 'A2612-0077',
    'Auth Status': 'Pended',
    'Auth Type': 'Outpatient',
    'Service Type': 'Speech Therapy',
    'Start Date': '12/01/2026',
    'End Date': '02/28/2027',
    'Units Required': '16',
    'Units Approved': '8',
  },
] as const;

const page = (title: string, body: string) => `<!doctype html><title>${title}</title><main>${body}</main>`;

const login = page(
  'Sign On',
  `<h1>Sign On</h1>
<form id="signon" method="post" action="/careconnect/login">
  <label>Email <input name="username" data-testid="text-field"></label>
  <button type="button" id="continue">Continue</button>
  <div id="second" hidden><label>Password <input type="password" name="password"></label> <button type="submit">Login</button></div>
</form>
<script>document.getElementById('continue').onclick = () => { document.getElementById('second').hidden = false; };</script>`,
);

const plans = page(
  'CareConnect',
  `<h1>Welcome to CareConnect</h1>
<form action="/careconnect/eligibility">
  <label for="plan">Plan Type</label>
  <select id="plan" name="plan"><option value="">Select One</option><option value="MCD">Medicaid</option><option value="PCK">PeachCare for Kids</option></select>
  <button type="submit">Search</button>
</form>`,
);

const eligibility = page(
  'Eligibility Search',
  `<h1>Eligibility Search</h1>
<label>Member ID or Last Name <input data-testid="MemberIDOrLastName" id="member"></label>
<label>Date of Birth <input id="tDatePicker" placeholder="MM/DD/YYYY"></label>
<div>
  <button type="button" role="combobox" aria-label="Select Action Type Select" aria-expanded="false" id="action">Select</button>
  <ul role="listbox" id="actions" hidden>
    <li role="option" data-testid="ActionType-option-0">View eligibility &amp; patient info</li>
    <li role="option" data-testid="ActionType-option-1">Submit a claim</li>
  </ul>
</div>
<button type="button" data-testid="submitBtn">Submit</button>
<p id="problem" role="alert"></p>
<script>
  let chosen = null;
  const combo = document.getElementById('action');
  const list = document.getElementById('actions');
  combo.onclick = () => { list.hidden = false; combo.setAttribute('aria-expanded', 'true'); };
  for (const option of list.querySelectorAll('[role=option]')) option.onclick = () => { chosen = option.dataset.testid; combo.textContent = option.textContent; list.hidden = true; };
  document.querySelector('[data-testid=submitBtn]').onclick = () => {
    const member = document.getElementById('member').value, dob = document.getElementById('tDatePicker').value;
    if (chosen !== 'ActionType-option-0' || !member || !dob) { document.getElementById('problem').textContent = 'Enter a member, a date of birth and an action'; return; }
    window.open('/careconnect/member?id=' + encodeURIComponent(member) + '&dob=' + encodeURIComponent(dob), '_blank');
  };
</script>`,
);

const member = page(
  'Member Details',
  `<h1>Member ${MEMBER.memberId}</h1>
<nav aria-label="Eligibility"><a href="/careconnect/summary">Summary</a> <a href="/careconnect/authorizations">Authorizations</a> <a href="/careconnect/claims">Claims</a></nav>
<nav aria-label="Eligibility history"><a href="/careconnect/authorizations-history">Authorizations</a></nav>`,
);

const rows = AUTHORIZATIONS.map(
  (a) => `<tr><td>${a['Auth Status']}</td><td><a href="/careconnect/authorizations/${a['Auth Nbr']}">${a['Auth Nbr']}</a></td><td>${a['Start Date']}</td><td>${a['End Date']}</td><td>F80.0</td><td>${a['Auth Type']}</td><td>${a['Service Type']}</td></tr>`,
).join('');
const authorizations = page(
  'Authorizations',
  `<h1>Authorizations</h1>
<table><thead><tr><th>Status</th><th>Auth Nbr</th><th>From Date</th><th>To Date</th><th>Diagnosis</th><th>Auth Type</th><th>Service</th></tr></thead><tbody>${rows}</tbody></table>`,
);

const detail = (a: (typeof AUTHORIZATIONS)[number]) =>
  page(
    `Authorization ${a['Auth Nbr']}`,
    `<h1>Authorization ${a['Auth Nbr']}</h1>
<dl><dt>Auth Status</dt><dd>${a['Auth Status']}</dd><dt>Auth Nbr</dt><dd>${a['Auth Nbr']}</dd><dt>Auth Type</dt><dd>${a['Auth Type']}</dd></dl>
<table><thead><tr><th>Service Type</th><th>Start Date</th><th>End Date</th><th>Units Required</th><th>Units Approved</th></tr></thead>
<tbody><tr><td>${a['Service Type']}</td><td>${a['Start Date']}</td><td>${a['End Date']}</td><td>${a['Units Required']}</td><td>${a['Units Approved']}</td></tr></tbody></table>`,
  );

export const medicaidPages: Record<string, string> = {
  '/sso/authorization': login,
  '/careconnect/home': plans,
  '/careconnect/eligibility': eligibility,
  '/careconnect/member': member,
  '/careconnect/authorizations': authorizations,
  ...Object.fromEntries(AUTHORIZATIONS.map((a) => [`/careconnect/authorizations/${a['Auth Nbr']}`, detail(a)])),
};

/** The sign-on form posts here: the right account lands on the plan page. */
export function medicaidLoginResult(body: string): string {
  const form = new URLSearchParams(body);
  return form.get('username') === MEMBER.username && form.get('password') === MEMBER.password ? '/careconnect/home' : '/sso/authorization?error=1';
}
