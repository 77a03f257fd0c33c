import { useState } from 'preact/hooks';

/** Staff sign in with the access token their administrator gave them (local mode prints a link). */
export function SignIn({
  message,
  onToken,
}: {
  message: string | null;
  onToken: (token: string) => Promise<void>;
}) {
  const [value, setValue] = useState('');
  return (
    <main id="main" class="sign-in">
      <h1>Sign in to carepath</h1>
      {message && (
        <p class="notice" role="status">
          {message}
        </p>
      )}
      <p>
        Open the <strong>coordinator app</strong> link that <code>npm start</code> printed, or paste the
        access token your administrator gave you. It is kept in this tab only and forgotten when you close it.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (value.trim()) void onToken(value.trim());
        }}
      >
        <label for="token">Access token</label>
        <input
          id="token"
          type="password"
          autoComplete="off"
          required
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
