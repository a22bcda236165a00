/** The patient portal: the card sign-in, then the shell with a tab for each file of screens/. */
import { APPS } from '../shared/apps.ts';
import { AppShell } from '../shared/AppShell.tsx';
import type { SmartAuth } from '../shared/auth.ts';
import { SignInGate } from '../shared/SignInGate.tsx';
import { PORTAL_SCREENS } from './screens.ts';

const NAME = APPS.find((a) => a.id === 'portal')!.name;

export function PortalApp({ auth }: { auth: SmartAuth }) {
  return (
    <SignInGate auth={auth} appName={NAME}>
      {(session) => <AppShell appName={NAME} session={session} screens={PORTAL_SCREENS} />}
    </SignInGate>
  );
}
