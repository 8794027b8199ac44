import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, onUnauthorized, request, setCsrfToken } from './api/client';
import type { SessionInfo, User } from './api/types';

interface AuthValue {
  /** undefined while the session is being checked, null when logged out. */
  user: User | null | undefined;
  login(username: string, password: string): Promise<User>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const queryClient = useQueryClient();

  const drop = useCallback(() => {
    setCsrfToken(null);
    setUser(null);
    queryClient.clear();
  }, [queryClient]);

  useEffect(() => {
    onUnauthorized(drop);
    let live = true;
    request<SessionInfo>('GET', '/api/auth/me', undefined, { quiet401: true })
      .then((s) => {
        if (!live) return;
        setCsrfToken(s.csrfToken);
        setUser(s.user);
      })
      .catch((e) => {
        if (!live) return;
        if (!(e instanceof ApiError) || e.status !== 401) console.warn('session check failed', e);
        setUser(null);
      });
    return () => {
      live = false;
      onUnauthorized(null);
    };
  }, [drop]);

  const value = useMemo<AuthValue>(
    () => ({
      user,
      async login(username, password) {
        const s = await request<SessionInfo>('POST', '/api/auth/login', { username, password }, { quiet401: true });
        queryClient.clear();
        setCsrfToken(s.csrfToken);
        setUser(s.user);
        return s.user;
      },
      async logout() {
        try {
          await request('POST', '/api/auth/logout', {}, { quiet401: true });
        } finally {
          drop();
        }
      },
    }),
    [user, queryClient, drop],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
