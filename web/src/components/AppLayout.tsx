import {
  ApartmentOutlined,
  AuditOutlined,
  BankOutlined,
  DashboardOutlined,
  DownOutlined,
  LogoutOutlined,
  OrderedListOutlined,
  PieChartOutlined,
  SwapOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Avatar, Dropdown, Layout, Menu, Tag } from 'antd';
import { Suspense, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { PageSpin } from './common';
import { useAuth } from '../auth';
import { useLang } from '../i18n';
import { label, REGION_NAMES, REGION_TAG, USER_ROLE_NAMES } from '../i18n/vocab';
import { LangSwitch } from './LangSwitch';

const { Sider, Header, Content } = Layout;

export default function AppLayout() {
  const { t, lang } = useLang();
  const { user, logout } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(false);
  const seg = location.pathname.split('/')[1] ?? '';
  const selected = seg === '' ? 'dashboard' : seg;

  const canReview = user?.role === 'admin' || user?.role === 'official';

  return (
    <Layout className={collapsed ? "shell collapsed" : "shell"}>
      <Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} width={212} breakpoint="lg" style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}>
        <div className="shell-logo" onClick={() => navigate('/')} role="link" style={{ cursor: 'pointer' }}>
          <img src="/favicon.svg" alt="" />
          {!collapsed && (
            <div>
              <div className="name">{t('app.name')}</div>
              <div className="latin">{t('app.nameLatin')}</div>
            </div>
          )}
        </div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={[selected]}
          onClick={(e) => {
            const to = e.key === 'dashboard' ? '/' : `/${e.key}`;
            navigate(to);
          }}
          items={[
            { key: 'dashboard', icon: <DashboardOutlined />, label: t('menu.dashboard') },
            { key: 'chains', icon: <ApartmentOutlined />, label: t('menu.chains') },
            { key: 'lists', icon: <OrderedListOutlined />, label: t('menu.lists') },
            { key: 'organizations', icon: <BankOutlined />, label: t('menu.organizations') },
            { key: 'matching', icon: <SwapOutlined />, label: t('menu.matching') },
            { key: 'supply-rate', icon: <PieChartOutlined />, label: t('menu.supplyRate') },
            ...(canReview ? [{ key: 'review', icon: <AuditOutlined />, label: t('menu.review') }] : []),
          ]}
        />
      </Sider>
      <Layout>
        <Header className="shell-header">
          <div className="subtitle">{t('app.subtitle')}</div>
          <div className="right">
            <LangSwitch />
            {user && (
              <Dropdown
                trigger={['click']}
                menu={{
                  items: [{ key: 'logout', icon: <LogoutOutlined />, label: t('user.logout') }],
                  onClick: async ({ key }) => {
                    if (key === 'logout') {
                      await logout();
                      navigate('/login', { replace: true });
                    }
                  },
                }}
              >
                <div className="shell-user" data-testid="user-menu">
                  <Avatar size="small" icon={<UserOutlined />} style={{ background: '#1f4fd8' }} />
                  <div className="who">
                    <span className="n">{user.displayName}</span>
                    <span className="r">
                      {label(USER_ROLE_NAMES, user.role, lang)}
                      {user.region ? ` · ${REGION_NAMES[user.region][lang]}` : ''}
                    </span>
                  </div>
                  {user.region && (
                    <Tag color={REGION_TAG[user.region]} style={{ marginInlineEnd: 0 }}>
                      {REGION_NAMES[user.region][lang]}
                    </Tag>
                  )}
                  <DownOutlined style={{ fontSize: 10, color: '#8c8c8c' }} />
                </div>
              </Dropdown>
            )}
          </div>
        </Header>
        <Content className="shell-content">
          <Suspense fallback={<PageSpin />}>
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}
