/** The start page (スタートページ) at `/`. */
import { mount } from '../shared/mount.tsx';
import { StartPage } from './StartPage.tsx';

mount(<StartPage />);
