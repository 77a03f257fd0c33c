/** An error the person must read: announced at once, in the API's words. */
export function Alert({ message }: { message: string | null | undefined }) {
  return message ? (
    <p class="error" role="alert">
      {message}
    </p>
  ) : null;
}
