/** 入力欄のエラー: the messages of one field, announced (role="alert"), its id for the field's aria-describedby. */
import { useI18n } from '../../shared/i18n.tsx';
import type { Text } from '../../shared/text.ts';

export function FieldError({ id, errors }: { id: string; errors?: Text[] }) {
  const { t } = useI18n();
  if (!errors?.length) return null;
  return (
    <div id={id} role="alert" className="error billing-field-error">
      {errors.map((e) => (
        <p key={e.ja}>{t(e)}</p>
      ))}
    </div>
  );
}

/** The attributes of a field with `errors`: invalid, described by its messages. */
export const invalidProps = (id: string, errors?: Text[]) => (errors?.length ? { 'aria-invalid': true as const, 'aria-describedby': id } : {});
