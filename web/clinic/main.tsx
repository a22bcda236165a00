/** 診療所アプリ (`/clinic/`): the clinic's desk and doctor, signed in as the facility's staff. */
import { setTokenSource } from '../shared/api.ts';
import { SmartAuth, STAFF_SCOPE } from '../shared/auth.ts';
import { mount } from '../shared/mount.tsx';
import { ClinicApp } from './ClinicApp.tsx';

const auth = new SmartAuth({ clientId: 'tsunagu-clinic', path: '/clinic/', scope: STAFF_SCOPE });
setTokenSource(auth);
mount(<ClinicApp auth={auth} />);
