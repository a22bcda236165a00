/** 薬局アプリ (`/pharmacy/`): the pharmacy's 薬剤師 and desk (事務), signed in as the pharmacy's staff. */
import { setTokenSource } from '../shared/api.ts';
import { SmartAuth, STAFF_SCOPE } from '../shared/auth.ts';
import { mount } from '../shared/mount.tsx';
import { PharmacyApp } from './PharmacyApp.tsx';

const auth = new SmartAuth({ clientId: 'tsunagu-pharmacy', path: '/pharmacy/', scope: STAFF_SCOPE });
setTokenSource(auth);
mount(<PharmacyApp auth={auth} />);
