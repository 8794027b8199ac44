import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../api/client';
import { useAuth } from '../auth';
import { useErrorText } from '../components/common';
import { LangSwitch } from '../components/LangSwitch';
import { useLang } from '../i18n';

function Deco() {
  // A stylised chain map: three linked regions, upstream to downstream.
  return (
    <svg className="deco" width="520" height="420" viewBox="0 0 520 420" aria-hidden>
      <g stroke="#fff" strokeWidth="3" fill="none">
        <path d="M60 80 L220 140 L380 90 M220 140 L260 290 L440 320 M60 80 L120 260 L260 290 M380 90 L440 320" />
      </g>
      <g fill="#fff">
        <circle cx="60" cy="80" r="22" />
        <circle cx="220" cy="140" r="30" />
        <circle cx="380" cy="90" r="18" />
        <circle cx="120" cy="260" r="16" />
        <circle cx="260" cy="290" r="34" />
        <circle cx="440" cy="320" r="24" />
      </g>
    </svg>
  );
}

export default function LoginPage() {
  const { t } = useLang();
  const { user, login } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const errText = useErrorText();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();
  const from = (location.state as { from?: string } | null)?.from ?? '/';

  if (user) return <Navigate to={from === '/login' ? '/' : from} replace />;

  async function onFinish(v: { username: string; password: string }) {
    setBusy(true);
    setError(null);
    try {
      await login(v.username.trim(), v.password);
      navigate(from === '/login' ? '/' : from, { replace: true });
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && e.fields) {
        form.setFields(Object.entries(e.fields).map(([name, msg]) => ({ name, errors: [errText(new Error(msg))] })));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login">
      <div className="login-hero">
        <Deco />
        <div className="brand">
          <img src="/favicon.svg" alt="" />
          <div>
            <div className="name">链图</div>
            <div className="latin">ChainAtlas</div>
          </div>
        </div>
        <div className="sub">京津冀产业链协同平台</div>
        <div className="tag">{t('login.tagline')}</div>
        <ul>
          <li>{t('login.point1')}</li>
          <li>{t('login.point2')}</li>
          <li>{t('login.point3')}</li>
        </ul>
      </div>
      <div className="login-panel" style={{ position: 'relative' }}>
        <div className="login-lang">
          <LangSwitch size="small" />
        </div>
        <div className="login-card">
          <Card variant="borderless" style={{ boxShadow: '0 8px 30px rgba(15, 35, 95, 0.10)' }}>
            <Typography.Title level={3}>{t('login.title')}</Typography.Title>
            <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
              {t('app.name')} · {t('app.subtitle')}
            </Typography.Paragraph>
            {error != null && <Alert type="error" showIcon title={errText(error)} style={{ marginBottom: 16 }} data-testid="login-error" />}
            <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false} size="large" autoComplete="on">
              <Form.Item name="username" label={t('login.username')} rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}>
                <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
              </Form.Item>
              <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
                <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
                {t('login.submit')}
              </Button>
            </Form>
          </Card>
          <div className="login-footer">{t('login.footer')}</div>
        </div>
      </div>
    </div>
  );
}
