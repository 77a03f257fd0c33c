import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, token } from './api/client';
import { Approvals } from './pages/approvals';
import { Admit } from './pages/admit';
import { Attendance } from './pages/attendance';
import { Caseload } from './pages/caseload';
import { ClientChart } from './pages/client-chart';
import { SignIn } from './pages/sign-in';
import { hrefOf, onLinkClick, useRoute, type Route } from './router';
import { identify, signInFromLink, type Signed } from './session';
import './styles.css';

function Page({ route, signed }: { route: Route; signed: Signed }) {
  switch (route.page) {
    case 'caseload':
      return <Caseload />;
    case 'client':
      return <ClientChart clientId={route.clientId} signed={signed} />;
    case 'admit':
      return <Admit />;
    case 'attendance':
      return <Attendance />;
    case 'approvals':
      return <Approvals />;
    case 'not-found':
      return (
        <section>
          <h1>Page not found</h1>
          <p>
            There is no page at <code>{route.path}</code>. Go back to the{' '}
            <a href={hrefOf.caseload()}>caseload</a>.
          </p>
        </section>
      );
    default: {
      const unknown: never = route;
      throw new Error(`unknown route ${JSON.stringify(unknown)}`);
    }
  }
}

const nav: { label: string; href: string; page: Route['page'] }[] = [
  { label: 'Caseload', href: hrefOf.caseload(), page: 'caseload' },
  { label: 'Approvals', href: hrefOf.approvals(), page: 'approvals' },
  { label: 'Group attendance', href: hrefOf.attendance(), page: 'attendance' },
  { label: 'Admit a client', href: hrefOf.admit(), page: 'admit' },
];

function App() {
  const route = useRoute();
  const [signed, setSigned] = useState<Signed | null>(null);
  const [checking, setChecking] = useState(true);
  const [message, setMessage] = useState<string | null>(null);

  async function check() {
    setChecking(true);
    if (token.get()) {
      try {
        setSigned(await identify());
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          token.clear();
          setMessage('Your sign-in has expired or was revoked: sign in again.');
        } else setMessage(error instanceof Error ? error.message : String(error));
        setSigned(null);
      }
    } else setSigned(null);
    setChecking(false);
  }

  useEffect(() => {
    const followLink = async () => {
      const problem = await signInFromLink();
      if (problem) setMessage(problem);
      await check();
    };
    void followLink();
    // A sign-in link opened in a tab already showing the app changes only the fragment.
    const onHashChange = () => {
      if (window.location.hash.includes('sign-in=')) void followLink();
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  const firstRoute = useRef(true);
  useEffect(() => {
    const title = nav.find((n) => n.page === route.page)?.label ?? 'Client';
    document.title = `${title} — carepath coordinator`;
    // A new page moves keyboard and screen-reader focus to its content, as a page load would.
    if (firstRoute.current) firstRoute.current = false;
    else document.getElementById('main')?.focus();
  }, [route]);

  if (checking) return <p class="loading">Signing in…</p>;
  if (!signed)
    return (
      <SignIn
        message={message}
        onToken={async (value) => {
          token.set(value);
          setMessage(null);
          await check();
        }}
      />
    );

  const who = signed.session ? `${signed.session.staffId} (${signed.session.staffRole})` : 'signed in';
  return (
    <div onClick={onLinkClick}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">carepath</span>
        <nav aria-label="Main">
          <ul>
            {nav.map((n) => (
              <li key={n.page}>
                <a href={n.href} aria-current={route.page === n.page ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">{who}</span>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            token.clear();
            setSigned(null);
            setMessage('Signed out.');
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} signed={signed} />
      </main>
    </div>
  );
}

const root = document.getElementById('root');
if (root) render(<App />, root);
