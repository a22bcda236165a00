/** 患者ポータル (`/portal/`): the person themself, signed in with their My Number card and PIN. */
import { setTokenSource } from '../shared/api.ts';
import { PATIENT_SCOPE, SmartAuth } from '../shared/auth.ts';
import { mount } from '../shared/mount.tsx';
import { PortalApp } from './PortalApp.tsx';
import './portal.css';

const auth = new SmartAuth({ clientId: 'tsunagu-portal', path: '/portal/', scope: PATIENT_SCOPE });
setTokenSource(auth);
mount(<PortalApp auth={auth} />);
