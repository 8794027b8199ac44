import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from './auth';
import { PageSpin } from './components/common';
import { useLang } from './i18n';

// The shell (menu, header) is lazy too, so that the login page loads none of it.
const AppLayout = lazy(() => import('./components/AppLayout'));
const LoginPage = lazy(() => import('./pages/LoginPage'));
const DashboardPage = lazy(() => import('./pages/DashboardPage'));
const ChainsPage = lazy(() => import('./pages/ChainsPage'));
const ChainPage = lazy(() => import('./pages/ChainPage'));
const OrganizationsPage = lazy(() => import('./pages/OrganizationsPage'));
const OrganizationPage = lazy(() => import('./pages/OrganizationPage'));
const MatchingRoutes = lazy(() => import('./pages/matching/MatchingRoutes'));
const SupplyRatePage = lazy(() => import('./pages/supply/SupplyRatePage'));
const ListsRoutes = lazy(() => import('./pages/lists/ListsRoutes'));
const PlanPage = lazy(() => import('./pages/lists/PlanPage'));
const ReviewPage = lazy(() => import('./pages/review/ReviewPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));

export const theme = {
  token: {
    colorPrimary: '#1f4fd8',
    borderRadius: 6,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Helvetica Neue', Arial, sans-serif",
  },
};

function RequireAuth({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const location = useLocation();
  if (user === undefined) return <PageSpin />;
  if (user === null) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

export function App() {
  const { lang } = useLang();
  return (
    <ConfigProvider locale={lang === 'en' ? enUS : zhCN} theme={theme}>
      <AntApp className="ant-app-root">
        <Suspense fallback={<PageSpin />}>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route
              element={
                <RequireAuth>
                  <AppLayout />
                </RequireAuth>
              }
            >
              <Route index element={<DashboardPage />} />
              <Route path="chains" element={<ChainsPage />} />
              <Route path="chains/:code" element={<ChainPage />} />
              <Route path="chains/:code/plan" element={<PlanPage />} />
              <Route path="organizations" element={<OrganizationsPage />} />
              <Route path="organizations/:id" element={<OrganizationPage />} />
              <Route path="matching/*" element={<MatchingRoutes />} />
              <Route path="supply-rate" element={<SupplyRatePage />} />
              <Route path="lists/*" element={<ListsRoutes />} />
              <Route path="review" element={<ReviewPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </Suspense>
      </AntApp>
    </ConfigProvider>
  );
}
