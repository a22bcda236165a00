/** A tab whose body loads on first use (its own folder's module), with a loading line meanwhile. */
import { type ComponentType, lazy, Suspense } from 'react';
import { useI18n } from '../shared/i18n.tsx';
import { StatusMessage } from '../shared/messages.tsx';
import type { ScreenProps } from '../shared/screens.ts';

export function lazyScreen(load: () => Promise<{ default: ComponentType<ScreenProps> }>): ComponentType<ScreenProps> {
  const Body = lazy(load);
  // biome-ignore lint/correctness/noComponentHookFactories: called once per screen at module load (screens/*.tsx), never in a render
  return function LazyScreen(props: ScreenProps) {
    const { t } = useI18n();
    return (
      <Suspense
        fallback={
          <StatusMessage>
            <p>{t({ ja: '画面を読み込んでいます…', en: 'Loading the screen…' })}</p>
          </StatusMessage>
        }
      >
        <Body {...props} />
      </Suspense>
    );
  };
}
