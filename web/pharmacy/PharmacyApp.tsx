/** The pharmacy app: sign-in, then the shell with a tab for each file of screens/. */
import { APPS } from '../shared/apps.ts';
import { AppShell } from '../shared/AppShell.tsx';
import type { SmartAuth } from '../shared/auth.ts';
import { SignInGate } from '../shared/SignInGate.tsx';
import { PHARMACY_SCREENS } from './screens.ts';

const NAME = APPS.find((a) => a.id === 'pharmacy')!.name;

export function PharmacyApp({ auth }: { auth: SmartAuth }) {
  return (
    <SignInGate auth={auth} appName={NAME}>
      {(session) => <AppShell appName={NAME} session={session} screens={PHARMACY_SCREENS} />}
    </SignInGate>
  );
}
