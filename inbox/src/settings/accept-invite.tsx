/** The invitation page (`/invite/{token}`): the invited agent chooses a password. Not built yet. */
export function AcceptInvite(_props: { token: string }) {
  return null;
}
