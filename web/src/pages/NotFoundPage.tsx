import { Button, Result } from 'antd';
import { Link } from 'react-router-dom';
import { useLang } from '../i18n';

export default function NotFoundPage() {
  const { t } = useLang();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('app.notFound')}
      extra={
        <Link to="/">
          <Button type="primary">{t('app.backHome')}</Button>
        </Link>
      }
    />
  );
}
